package io.gregor.examples.order;

import io.gregor.examples.order.OrderModel.PaymentRequest;
import io.gregor.worker.Activity;
import io.gregor.worker.ActivityContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Charges the customer (here: logs the payment). */
public final class ProcessPaymentActivity implements Activity {
    /** The registered name. */
    public static final String NAME = "ProcessPaymentActivity";
    private static final Logger LOG = LoggerFactory.getLogger(ProcessPaymentActivity.class);

    @Override
    public Object run(ActivityContext ctx) {
        PaymentRequest payment = ctx.getInput(PaymentRequest.class);
        LOG.info("{}: processed payment of ${} for {} {} (order {})", NAME, payment.amount(), payment.quantity(), payment.itemName(),
                payment.requestId());
        return null;
    }
}
