package io.gregor.worker;

/**
 * What an {@link Activity} sees of the task it runs. One context per attempt; not shared
 * between threads by the worker.
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
}
