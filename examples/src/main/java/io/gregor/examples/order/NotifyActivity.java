package io.gregor.examples.order;

import io.gregor.examples.order.OrderModel.Notification;
import io.gregor.worker.Activity;
import io.gregor.worker.ActivityContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Tells the customer something (here: logs it). */
public final class NotifyActivity implements Activity {
    /** The registered name. */
    public static final String NAME = "NotifyActivity";
    private static final Logger LOG = LoggerFactory.getLogger(NotifyActivity.class);

    @Override
    public Object run(ActivityContext ctx) {
        LOG.info("{}: {}", NAME, ctx.getInput(Notification.class).message());
        return null;
    }
}
