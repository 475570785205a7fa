package io.gregor.examples.patterns;

import io.gregor.client.workflow.Saga;
import io.gregor.client.workflow.TaskFailedException;
import io.gregor.client.workflow.Workflow;
import io.gregor.client.workflow.WorkflowContext;
import java.util.Set;

/**
 * Saga: books a trip in three steps (flight, hotel, car). After each booking succeeds, its
 * cancellation is registered as a compensation; if a later booking fails, the compensations run
 * in reverse order, each as a durable activity, and the trip ends cancelled. The car rental has
 * no cars in {@link #NO_CARS_IN}, which is how the example makes the last step fail.
 */
public final class SagaWorkflow implements Workflow {
    /** Books a flight; its compensation is {@value #CANCEL_FLIGHT}. */
    public static final String BOOK_FLIGHT = "BookFlight";
    /** Books a hotel; its compensation is {@value #CANCEL_HOTEL}. */
    public static final String BOOK_HOTEL = "BookHotel";
    /** Books a car; fails for a destination in {@link #NO_CARS_IN}. */
    public static final String BOOK_CAR = "BookCar";
    /** Cancels a flight booking. */
    public static final String CANCEL_FLIGHT = "CancelFlight";
    /** Cancels a hotel booking. */
    public static final String CANCEL_HOTEL = "CancelHotel";
    /** Destinations where the car rental has no cars. */
    public static final Set<String> NO_CARS_IN = Set.of("Atlantis");

    /** The input: who travels where. */
    public record Trip(String traveller, String destination) {
    }

    /** The output: whether the trip is booked, and what happened. */
    public record TripResult(boolean booked, String message) {
    }

    @Override
    public Object run(WorkflowContext ctx) {
        Trip trip = ctx.getInput(Trip.class);
        Saga saga = new Saga(ctx);
        try {
            ctx.callActivity(BOOK_FLIGHT, trip).await();
            saga.addCompensation(CANCEL_FLIGHT, trip);
            ctx.callActivity(BOOK_HOTEL, trip).await();
            saga.addCompensation(CANCEL_HOTEL, trip);
            ctx.callActivity(BOOK_CAR, trip).await();
            return new TripResult(true, "trip to " + trip.destination() + " booked");
        } catch (TaskFailedException e) {
            ctx.setCustomStatus("compensating");
            saga.compensate();
            ctx.setCustomStatus("compensated");
            return new TripResult(false, "trip to " + trip.destination() + " cancelled: " + e.getFailureDetails().errorMessage());
        }
    }

    static String bookCar(Trip trip) {
        if (NO_CARS_IN.contains(trip.destination())) {
            throw new IllegalStateException("Expected a car available in " + trip.destination() + ", but found none");
        }
        return "car for " + trip.traveller();
    }
}
