package io.gregor.orchestrator.internal;

import io.gregor.schemas.Topics;
import io.gregor.schemas.registry.CompatibilityLevel;
import io.gregor.schemas.registry.SchemaRegistryClient;
import io.gregor.schemas.registry.SchemaRegistryException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Gives every public subject ({@code <topic>-value} of the topics other services produce or
 * consume, docs/contracts.md) at least the configured compatibility level in the registry, so
 * that a service that registers a schema a Gregor reader cannot read is refused by the registry
 * with the reason, instead of its records being dead-lettered later.
 *
 * <p>A subject whose own level already implies the configured one (FULL_TRANSITIVE for BACKWARD,
 * say) is left alone; any other is set, and a level that was there before is named in a warning:
 * the operator who wants a weaker level on a public subject says so with the orchestrator's
 * setting ({@code NONE} changes nothing). Registries differ in how they report a subject without
 * a level of its own (Apicurio's ccompat API says NONE), so a weaker level cannot be told from
 * none and is raised either way.
 */
public final class SubjectCompatibility {
    private static final Logger LOG = LoggerFactory.getLogger(SubjectCompatibility.class);

    private SubjectCompatibility() {
    }

    /**
     * The subjects of the public contracts, under TopicNameStrategy.
     *
     * @param topics     the topic names
     * @param taskQueues the named task queues, whose task topics are public too
     * @return {@code <topic>-value} of starts, events, control, completions, status, activity tasks
     *         (every queue) and activity results
     */
    public static List<String> publicSubjects(Topics topics, Collection<String> taskQueues) {
        return PublicSchemas.byTopic(topics, taskQueues).keySet().stream().map(topic -> topic + "-value").toList();
    }

    /**
     * Sets the level on each subject whose own level does not imply it.
     *
     * @param registry the registry; not closed
     * @param subjects the subjects
     * @param level    the level each must have at least
     * @return the subjects that were set
     * @throws SchemaRegistryException if the registry refuses or cannot be reached
     */
    public static List<String> ensure(SchemaRegistryClient registry, List<String> subjects, CompatibilityLevel level) {
        List<String> changed = new ArrayList<>();
        if (level == CompatibilityLevel.NONE) {
            return changed;
        }
        for (String subject : subjects) {
            Optional<CompatibilityLevel> current = registry.compatibility(subject);
            if (current.isPresent() && current.get().implies(level)) {
                continue;
            }
            if (!set(registry, subject, level)) {
                continue;
            }
            changed.add(subject);
            if (current.isPresent()) {
                LOG.warn("Set the compatibility of public subject {} from {} to {} (the orchestrator's publicSubjectCompatibility;"
                        + " NONE leaves subjects alone)", subject, current.get(), level);
            }
        }
        if (!changed.isEmpty()) {
            LOG.info("Public subjects {} have compatibility level {} now", changed, level);
        }
        return changed;
    }

    /**
     * Sets the level; two orchestrators starting at once race to do so, and a registry may refuse
     * the second (Apicurio answers 409: the rule exists already), which is no failure once the
     * subject has a level that implies the one wanted.
     *
     * @return true if this call set it, false if another process had
     */
    private static boolean set(SchemaRegistryClient registry, String subject, CompatibilityLevel level) {
        try {
            registry.setCompatibility(subject, level);
            return true;
        } catch (SchemaRegistryException e) {
            if (e.httpStatus() == 409 && registry.compatibility(subject).map(now -> now.implies(level)).orElse(false)) {
                LOG.info("Public subject {} got compatibility level {} from another process meanwhile", subject, level);
                return false;
            }
            throw e;
        }
    }

    /**
     * {@link #ensure} for the public subjects at the orchestrator's start. A registry that cannot be
     * reached is only logged (the orchestrator runs without the registry's guard until its next
     * start); a registry that refuses fails the start, naming the setting that turns this off.
     *
     * @param registryUrl the schema registry's URL(s), as given to the orchestrator
     * @param topics      the topic names
     * @param taskQueues  the named task queues
     * @param level       the level each public subject must have at least
     * @throws IllegalStateException if the registry refuses to read or set a level
     */
    public static void enforceAtStart(String registryUrl, Topics topics, Collection<String> taskQueues, CompatibilityLevel level) {
        if (level == CompatibilityLevel.NONE) {
            return;
        }
        try (SchemaRegistryClient registry = SchemaRegistryClient.forUrl(registryUrl)) {
            ensure(registry, publicSubjects(topics, taskQueues), level);
        } catch (SchemaRegistryException e) {
            if (!e.isTransient()) {
                throw new IllegalStateException("Expected the schema registry to let the orchestrator give the public subjects"
                        + " compatibility level " + level + " (publicSubjectCompatibility, NONE to leave them alone), but: "
                        + e.getMessage(), e);
            }
            LOG.warn("Could not give the public subjects compatibility level {} now; the registry does not guard them until"
                    + " the next start: {}", level, e.getMessage());
        }
    }
}
