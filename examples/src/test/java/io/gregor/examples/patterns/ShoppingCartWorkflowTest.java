package io.gregor.examples.patterns;

import static org.assertj.core.api.Assertions.assertThat;

import io.gregor.client.WorkflowInstanceState;
import io.gregor.client.WorkflowRuntimeStatus;
import io.gregor.examples.ExampleEnvironments;
import io.gregor.examples.patterns.ShoppingCartWorkflow.Cart;
import io.gregor.examples.patterns.ShoppingCartWorkflow.Command;
import io.gregor.examples.patterns.ShoppingCartWorkflow.Op;
import io.gregor.testing.WorkflowTestEnvironment;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The entity workflow in the workflow test environment: a cart applies the commands it receives,
 * answers queries through its custom status, outlives a generation, and ends on checkout or close.
 */
class ShoppingCartWorkflowTest {

    @Test
    void theCartAppliesAddsAndRemovesAndAnswersQueriesOfItsState() {
        try (WorkflowTestEnvironment env = ExampleEnvironments.patterns(Map.of())) {
            // given
            String id = env.start(ShoppingCartWorkflow.class, null);

            // when
            send(env, id, Command.add("apple", 2), Command.add("pear", 1), Command.remove("apple", 1), Command.add("plum", 1),
                    Command.remove("plum", 1));

            // then
            Cart cart = cart(env, id);
            assertThat(cart.items()).isEqualTo(Map.of("apple", 1, "pear", 1));
            assertThat(cart.outcome()).isNull();
            send(env, id, Command.of(Op.CLOSE));
            WorkflowInstanceState done = env.waitForCompletion(id);
            assertThat(done.readOutputAs(Cart.class).outcome()).isEqualTo("closed");
        }
    }

    @Test
    void afterEventsPerGenerationCommandsTheCartContinuesAsNewWithItsItemsAndLosesNoCommand() {
        try (WorkflowTestEnvironment env = ExampleEnvironments.patterns(Map.of())) {
            // given
            String id = env.start(ShoppingCartWorkflow.class, null);

            // when: one command more than a generation applies
            for (int i = 0; i <= ShoppingCartWorkflow.EVENTS_PER_GENERATION; i++) {
                send(env, id, Command.add("apple", 1));
            }

            // then
            Cart cart = cart(env, id);
            assertThat(cart.items()).isEqualTo(Map.of("apple", ShoppingCartWorkflow.EVENTS_PER_GENERATION + 1));
            assertThat(cart.generation()).isEqualTo(1);
            assertThat(env.getInstanceState(id).orElseThrow().getRuntimeStatus()).isEqualTo(WorkflowRuntimeStatus.RUNNING);
        }
    }

    @Test
    void commandsHeldWhileSuspendedThatOutliveTheGenerationAreCarriedToTheNext() {
        try (WorkflowTestEnvironment env = ExampleEnvironments.patterns(Map.of())) {
            // given
            String id = env.start(ShoppingCartWorkflow.class, null);

            // when: one command more than a generation applies, fed to the code at once on resume
            env.suspend(id, "collect commands");
            for (int i = 0; i <= ShoppingCartWorkflow.EVENTS_PER_GENERATION; i++) {
                send(env, id, Command.add("apple", 1));
            }
            env.resume(id, "apply them");

            // then
            assertThat(cart(env, id).items()).isEqualTo(Map.of("apple", ShoppingCartWorkflow.EVENTS_PER_GENERATION + 1));
        }
    }

    @Test
    void checkoutPlacesTheOrderOfTheCartsItemsAndEndsTheInstance() {
        try (WorkflowTestEnvironment env = ExampleEnvironments.patterns(Map.of())) {
            // given
            String id = env.start(ShoppingCartWorkflow.class, null);
            send(env, id, Command.add("book", 3));

            // when
            send(env, id, Command.of(Op.CHECKOUT));

            // then
            WorkflowInstanceState done = env.waitForCompletion(id);
            assertThat(done.getRuntimeStatus()).isEqualTo(WorkflowRuntimeStatus.COMPLETED);
            assertThat(done.readOutputAs(Cart.class)).isEqualTo(new Cart(Map.of("book", 3), 0, "order-" + id));
            assertThat(done.readCustomStatusAs(Cart.class).outcome()).isEqualTo("order-" + id);
        }
    }

    private static void send(WorkflowTestEnvironment env, String id, Command... commands) {
        for (Command command : commands) {
            env.raiseEvent(id, ShoppingCartWorkflow.EVENT, command);
        }
    }

    private static Cart cart(WorkflowTestEnvironment env, String id) {
        return env.getInstanceState(id).orElseThrow().readCustomStatusAs(Cart.class);
    }
}
