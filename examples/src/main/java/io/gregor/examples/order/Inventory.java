package io.gregor.examples.order;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The shop's stock, held by the worker process (Dapr's quickstart uses a state store; an
 * in-memory map keeps this example self-contained). Starts with 100 cars.
 */
public final class Inventory {
    private final Map<String, Integer> stock = new ConcurrentHashMap<>();
    private final Map<String, Integer> takes = new ConcurrentHashMap<>();

    /** @return an inventory with 100 cars */
    public static Inventory withDefaultStock() {
        Inventory inventory = new Inventory();
        inventory.stock.put("cars", 100);
        return inventory;
    }

    /** @param item an item @return how many are in stock */
    public int available(String item) {
        return stock.getOrDefault(item, 0);
    }

    /**
     * Takes {@code quantity} items if there are enough. Activities run at least once, so the
     * take is remembered by {@code requestKey}: a retried delivery of the same task takes nothing
     * twice and answers as the first time.
     *
     * @param requestKey identifies the take, e.g. instance id and task id
     * @param item       the item
     * @param quantity   how many
     * @return the number left, or -1 if there were not enough (nothing is taken then)
     */
    public int take(String requestKey, String item, int quantity) {
        return takes.computeIfAbsent(requestKey, k -> {
            int[] left = {-1};
            stock.computeIfPresent(item, (i, have) -> {
                if (have < quantity) {
                    return have;
                }
                left[0] = have - quantity;
                return left[0];
            });
            return left[0];
        });
    }
}
