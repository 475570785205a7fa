package io.gregor.examples.patterns;

import static org.assertj.core.api.Assertions.assertThat;

import io.gregor.client.WorkflowInstanceState;
import io.gregor.client.WorkflowRuntimeStatus;
import io.gregor.examples.ExampleStack;
import io.gregor.examples.patterns.ShoppingCartWorkflow.Cart;
import io.gregor.examples.patterns.ShoppingCartWorkflow.Command;
import io.gregor.examples.patterns.ShoppingCartWorkflow.Op;
import io.gregor.testkit.Await;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Predicate;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The entity workflow on a real broker and registry: a cart applies the commands it receives,
 * answers queries through its custom status, outlives a generation, and ends on checkout or close.
 */
@ExtendWith(PatternsStack.class)
class ShoppingCartWorkflowTest {

    @Test
    void theCartAppliesAddsAndRemovesAndAnswersQueriesOfItsState(ExampleStack stack) throws Exception {
        // given
        String id = openCart(stack);

        // when
        send(stack, id, Command.add("apple", 2), Command.add("pear", 1), Command.remove("apple", 1), Command.add("plum", 1),
                Command.remove("plum", 1));

        // then
        Cart cart = awaitCart(stack, id, c -> c.items().equals(Map.of("apple", 1, "pear", 1)));
        assertThat(cart.outcome()).isNull();
        send(stack, id, Command.of(Op.CLOSE));
        WorkflowInstanceState done = stack.awaitCompletion(id);
        assertThat(done.readOutputAs(Cart.class).outcome()).isEqualTo("closed");
    }

    @Test
    void afterEventsPerGenerationCommandsTheCartContinuesAsNewWithItsItemsAndLosesNoCommand(ExampleStack stack) throws Exception {
        // given
        String id = openCart(stack);

        // when: one command more than a generation applies, sent at once
        for (int i = 0; i <= ShoppingCartWorkflow.EVENTS_PER_GENERATION; i++) {
            send(stack, id, Command.add("apple", 1));
        }

        // then
        int all = ShoppingCartWorkflow.EVENTS_PER_GENERATION + 1;
        Cart cart = awaitCart(stack, id, c -> c.items().getOrDefault("apple", 0) == all);
        assertThat(cart.generation()).isEqualTo(1);
    }

    @Test
    void checkoutPlacesTheOrderOfTheCartsItemsAndEndsTheInstance(ExampleStack stack) throws Exception {
        // given
        String id = openCart(stack);
        send(stack, id, Command.add("book", 3));

        // when
        send(stack, id, Command.of(Op.CHECKOUT));

        // then
        WorkflowInstanceState done = stack.awaitCompletion(id);
        assertThat(done.getRuntimeStatus()).isEqualTo(WorkflowRuntimeStatus.COMPLETED);
        assertThat(done.readOutputAs(Cart.class)).isEqualTo(new Cart(Map.of("book", 3), 0, "order-" + id));
        assertThat(done.readCustomStatusAs(Cart.class).outcome()).isEqualTo("order-" + id);
    }

    private static String openCart(ExampleStack stack) throws Exception {
        String id = stack.client().scheduleNewWorkflow(ShoppingCartWorkflow.class, null);
        stack.client().waitForInstanceStart(id, ExampleStack.TIMEOUT);
        return id;
    }

    private static void send(ExampleStack stack, String id, Command... commands) {
        for (Command command : commands) {
            stack.client().raiseEvent(id, ShoppingCartWorkflow.EVENT, command);
        }
    }

    private static Cart awaitCart(ExampleStack stack, String id, Predicate<Cart> condition) {
        AtomicReference<Cart> last = new AtomicReference<>();
        Await.until(ExampleStack.TIMEOUT, () -> {
            last.set(stack.client().getInstanceState(id).map(state -> state.readCustomStatusAs(Cart.class)).orElse(null));
            return last.get() != null && condition.test(last.get());
        }, () -> "the cart of " + id + " to match (last seen: " + last.get() + ")");
        return last.get();
    }
}
