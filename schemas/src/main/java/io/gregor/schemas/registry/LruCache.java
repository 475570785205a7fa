package io.gregor.schemas.registry;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A map that forgets its least recently used entry beyond a capacity. Lookups are cheap next to
 * the HTTP request a miss costs, so one lock is plenty.
 */
final class LruCache<K, V> {

  private final int capacity;
  private final LinkedHashMap<K, V> entries;

  LruCache(int capacity) {
    this.capacity = capacity;
    this.entries = new LinkedHashMap<>(16, 0.75f, true) {
      private static final long serialVersionUID = 1L;

      @Override
      protected boolean removeEldestEntry(Map.Entry<K, V> eldest) {
        return size() > LruCache.this.capacity;
      }
    };
  }

  synchronized V get(K key) {
    return entries.get(key);
  }

  /** {@return the value already cached for the key, else {@code value}, which is now cached} */
  synchronized V putIfAbsent(K key, V value) {
    V previous = entries.putIfAbsent(key, value);
    return previous != null ? previous : value;
  }

  synchronized int size() {
    return entries.size();
  }
}
