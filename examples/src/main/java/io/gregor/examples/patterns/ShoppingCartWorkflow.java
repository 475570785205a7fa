package io.gregor.examples.patterns;

import io.gregor.client.workflow.Workflow;
import io.gregor.client.workflow.WorkflowContext;
import java.util.Map;
import java.util.TreeMap;

/**
 * Entity workflow: one long-lived instance per shopping cart. It waits for commands on the
 * external event {@value #EVENT}, applies them one at a time, and publishes the cart as its
 * custom status after each, so a client reads the cart's state with a plain status query. It
 * ends on {@link Op#CHECKOUT} (ordering what is in the cart) or {@link Op#CLOSE}; after
 * {@link #EVENTS_PER_GENERATION} commands it continues as new with the cart as input, so its
 * history stays short however long the cart lives (commands that arrive meanwhile are carried
 * over to the next generation).
 */
public final class ShoppingCartWorkflow implements Workflow {
    /** The event every command travels on; its data is a {@link Command}. */
    public static final String EVENT = "cart";
    /** The activity run on checkout: places the order and answers its id. */
    public static final String PLACE_ORDER = "PlaceOrder";
    /** How many commands one generation applies before it continues as new. */
    public static final int EVENTS_PER_GENERATION = 5;

    /** What a command does. */
    public enum Op { ADD, REMOVE, CHECKOUT, CLOSE }

    /** A command: add or remove {@code quantity} of {@code item}, check out, or close. */
    public record Command(Op op, String item, int quantity) {
        /** @return a command adding {@code quantity} of {@code item} */
        public static Command add(String item, int quantity) {
            return new Command(Op.ADD, item, quantity);
        }

        /** @return a command removing {@code quantity} of {@code item} */
        public static Command remove(String item, int quantity) {
            return new Command(Op.REMOVE, item, quantity);
        }

        /** @return a command of {@code op} without an item */
        public static Command of(Op op) {
            return new Command(op, null, 0);
        }
    }

    /**
     * The cart: what it holds, how many generations it has lived, and, once ended, how.
     *
     * @param items      quantity per item
     * @param generation 0 for the first, one more after each continue-as-new
     * @param outcome    null while open; the order id after checkout, "closed" after close
     */
    public record Cart(Map<String, Integer> items, int generation, String outcome) {
        /** @return an empty, open cart */
        public static Cart empty() {
            return new Cart(Map.of(), 0, null);
        }

        Cart apply(Command command) {
            Map<String, Integer> next = new TreeMap<>(items);
            switch (command.op()) {
                case ADD -> next.merge(command.item(), command.quantity(), Integer::sum);
                case REMOVE -> next.computeIfPresent(command.item(),
                        (item, have) -> have > command.quantity() ? have - command.quantity() : null);
                default -> throw new IllegalArgumentException("Expected ADD or REMOVE, but found " + command.op());
            }
            return new Cart(next, generation, outcome);
        }
    }

    @Override
    public Object run(WorkflowContext ctx) {
        Cart input = ctx.getInput(Cart.class);
        Cart cart = input == null ? Cart.empty() : input;
        ctx.setCustomStatus(cart);
        for (int applied = 0; applied < EVENTS_PER_GENERATION; applied++) {
            Command command = ctx.waitForExternalEvent(EVENT, Command.class).await();
            switch (command.op()) {
                case CHECKOUT -> {
                    String orderId = ctx.callActivity(PLACE_ORDER, cart.items(), String.class).await();
                    return ended(ctx, cart, orderId);
                }
                case CLOSE -> {
                    return ended(ctx, cart, "closed");
                }
                default -> cart = cart.apply(command);
            }
            ctx.setCustomStatus(cart);
        }
        ctx.continueAsNew(new Cart(cart.items(), cart.generation() + 1, null));
        return null;
    }

    private static Cart ended(WorkflowContext ctx, Cart cart, String outcome) {
        Cart ended = new Cart(cart.items(), cart.generation(), outcome);
        ctx.setCustomStatus(ended);
        return ended;
    }
}
