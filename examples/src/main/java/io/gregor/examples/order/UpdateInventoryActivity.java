package io.gregor.examples.order;

import io.gregor.examples.order.OrderModel.InventoryRequest;
import io.gregor.examples.order.OrderModel.InventoryResult;
import io.gregor.worker.Activity;
import io.gregor.worker.ActivityContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Takes the ordered items out of the inventory; fails if they are gone meanwhile. */
public final class UpdateInventoryActivity implements Activity {
    /** The registered name. */
    public static final String NAME = "UpdateInventoryActivity";
    private static final Logger LOG = LoggerFactory.getLogger(UpdateInventoryActivity.class);
    private final Inventory inventory;

    /** @param inventory the stock to update */
    public UpdateInventoryActivity(Inventory inventory) {
        this.inventory = inventory;
    }

    @Override
    public Object run(ActivityContext ctx) {
        InventoryRequest request = ctx.getInput(InventoryRequest.class);
        int left = inventory.take(ctx.getInstanceId() + "/" + ctx.getTaskId(), request.itemName(), request.quantity());
        if (left < 0) {
            throw new IllegalStateException("Expected at least " + request.quantity() + " " + request.itemName() + " in stock, but found "
                    + inventory.available(request.itemName()));
        }
        LOG.info("{}: took {} {}; {} left", NAME, request.quantity(), request.itemName(), left);
        return new InventoryResult(true, request.itemName(), left, 0);
    }
}
