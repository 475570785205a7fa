package io.gregor.examples.order;

import io.gregor.examples.order.OrderModel.InventoryRequest;
import io.gregor.examples.order.OrderModel.InventoryResult;
import io.gregor.worker.Activity;
import io.gregor.worker.ActivityContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Checks that the inventory holds enough items for the order. */
public final class ReserveInventoryActivity implements Activity {
    /** The registered name. */
    public static final String NAME = "ReserveInventoryActivity";
    private static final Logger LOG = LoggerFactory.getLogger(ReserveInventoryActivity.class);
    private final Inventory inventory;

    /** @param inventory the stock to check */
    public ReserveInventoryActivity(Inventory inventory) {
        this.inventory = inventory;
    }

    @Override
    public Object run(ActivityContext ctx) {
        InventoryRequest request = ctx.getInput(InventoryRequest.class);
        int available = inventory.available(request.itemName());
        boolean enough = available >= request.quantity();
        LOG.info("{}: reserving {} of {} {} in stock: {}", NAME, request.quantity(), available, request.itemName(),
                enough ? "ok" : "insufficient");
        return new InventoryResult(enough, request.itemName(), available, 0);
    }
}
