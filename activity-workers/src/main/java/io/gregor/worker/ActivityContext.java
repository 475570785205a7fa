package io.gregor.worker;

import java.util.Optional;

/**
 * What an {@link Activity} sees of the task it runs. One context per attempt; not shared
 * between threads by the worker (but {@link #heartbeat} and {@link #isCancelled} may be called
 * from any thread the activity starts).
 *
 * <p>Long activities heartbeat: {@link #heartbeat(Object)} tells the orchestrator the attempt is
 * alive (a call made with a heartbeat timeout that goes that long without one times out), keeps
 * a share-group worker's hold on the task, and records progress details that the next attempt
 * reads with {@link #getHeartbeatDetails}. It is also where an activity learns that its result
 * is no longer wanted: it throws {@link ActivityCanceledException}.
 */
public interface ActivityContext {

  /**
   * The name the activity was scheduled under.
   *
   * @return the activity name, as registered on the worker
   */
  String getName();

  /**
   * The workflow instance that scheduled this activity.
   *
   * @return the instance id
   */
  String getInstanceId();

  /**
   * The name of the workflow that scheduled this activity.
   *
   * @return the workflow name
   */
  String getWorkflowName();

  /**
   * The sequence id of the task in the workflow's history.
   *
   * @return the task id; (instance id, task id, attempt) identifies one attempt
   */
  int getTaskId();

  /**
   * Which attempt this is.
   *
   * @return 1 for the first attempt, 2 for the first retry, and so on
   */
  int getAttempt();

  /**
   * The activity's input, converted with the worker's {@code DataConverter}.
   *
   * @param type the class to convert the input to
   * @param <T> the input type
   * @return the input, or {@code null} when the task carries none
   * @throws RuntimeException if the input cannot be converted to {@code type}
   */
  <T> T getInput(Class<T> type);

  /**
   * Reports that the attempt is alive, with progress details that a later attempt of the same
   * task can resume from. Cheap to call often: the details are recorded at once and sent to the
   * orchestrator at most about once per 0.8 x the heartbeat timeout (once a second when the call
   * set none), the latest details winning; the last details also go with the attempt's result.
   * Never blocks on Kafka, and a failed send is logged, not thrown.
   *
   * @param details the progress so far, converted with the worker's {@code DataConverter}; may
   *     be null
   * @throws ActivityCanceledException if the orchestrator no longer wants this attempt's result
   *     (its workflow ended, it lost an {@code anyOf}, it timed out) or its deadline passed; the
   *     activity should stop, cleaning up as it unwinds
   */
  void heartbeat(Object details);

  /**
   * Reports that the attempt is alive, keeping the details recorded last.
   *
   * @throws ActivityCanceledException as {@link #heartbeat(Object)}
   */
  default void heartbeat() {
    heartbeat(null);
  }

  /**
   * The progress details to resume from: this attempt's latest once it called
   * {@link #heartbeat(Object)} with details, before that the previous attempt's last ones.
   *
   * @param type the class to convert the details to
   * @param <T> the details type
   * @return the details, or empty when no attempt recorded any
   * @throws RuntimeException if the details cannot be converted to {@code type}
   */
  <T> Optional<T> getHeartbeatDetails(Class<T> type);

  /**
   * Whether the orchestrator no longer wants this attempt's result (or its deadline passed).
   * Activities that do not heartbeat can poll this to stop early.
   *
   * @return true once the attempt is cancelled; never goes back to false
   */
  boolean isCancelled();
}
