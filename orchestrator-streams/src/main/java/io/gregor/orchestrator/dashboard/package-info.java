/**
 * The web dashboard (docs/dashboard.md): HTML pages written on the server from this
 * orchestrator's own JSON API ({@code io.gregor.orchestrator.http}), served by the same web
 * server at {@code /ui/}, with htmx from the classpath refreshing the list and running instances.
 * Every value is escaped by {@code Html}; every action is a plain form with a confirmation page.
 */
package io.gregor.orchestrator.dashboard;
