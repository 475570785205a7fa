package io.gregor.cli;

/** The {@code -o} formats of verbs that print one document. */
enum ShortOrJson { SHORT, JSON }
