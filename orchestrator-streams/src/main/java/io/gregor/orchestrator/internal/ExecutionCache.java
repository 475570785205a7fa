package io.gregor.orchestrator.internal;

import io.gregor.orchestrator.internal.engine.WorkflowExecution;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Live executions of one stream task, least recently used first out. An entry is trusted only if
 * it has consumed exactly the history the store holds; anything else (an aborted transaction, a
 * restore) makes it a miss and the instance is replayed from the store. Correctness therefore
 * never depends on the cache, only speed does.
 */
final class ExecutionCache {
    private final int capacity;
    private final LinkedHashMap<String, WorkflowExecution> entries;

    ExecutionCache(int capacity) {
        this.capacity = capacity;
        this.entries = new LinkedHashMap<>(16, 0.75f, true) {
            private static final long serialVersionUID = 1L;

            @Override
            protected boolean removeEldestEntry(Map.Entry<String, WorkflowExecution> eldest) {
                if (size() > ExecutionCache.this.capacity) {
                    eldest.getValue().destroy();
                    return true;
                }
                return false;
            }
        };
    }

    /** @return the execution if it is exactly at {@code historyLength}, else null (and the stale one is dropped) */
    WorkflowExecution get(String instanceId, int historyLength) {
        WorkflowExecution execution = entries.get(instanceId);
        if (execution != null && execution.historyLength() != historyLength) {
            evict(instanceId);
            return null;
        }
        return execution;
    }

    void put(String instanceId, WorkflowExecution execution) {
        if (capacity > 0) {
            WorkflowExecution previous = entries.put(instanceId, execution);
            if (previous != null && previous != execution) {
                previous.destroy();
            }
        } else {
            execution.destroy();
        }
    }

    void evict(String instanceId) {
        WorkflowExecution execution = entries.remove(instanceId);
        if (execution != null) {
            execution.destroy();
        }
    }

    void clear() {
        entries.values().forEach(WorkflowExecution::destroy);
        entries.clear();
    }

    int size() {
        return entries.size();
    }
}
