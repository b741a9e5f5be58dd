package dev.walletworker.worker.scheduling;

import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.springframework.batch.core.BatchStatus;
import org.springframework.batch.core.job.JobExecution;
import org.springframework.batch.core.listener.JobExecutionListener;
import org.springframework.batch.core.step.StepExecution;

/**
 * The executions running in this process, as the live objects the steps work on. Stopping one here
 * (terminate-only, checked at each chunk boundary) keeps its counts exact; stopping through a copy
 * loaded from the repository races the running step's own updates.
 */
final class RunningExecutions implements JobExecutionListener {

  private final Set<JobExecution> running = ConcurrentHashMap.newKeySet();

  @Override
  public void beforeJob(JobExecution execution) {
    running.add(execution);
  }

  @Override
  public void afterJob(JobExecution execution) {
    running.remove(execution);
  }

  List<JobExecution> all() {
    return List.copyOf(running);
  }

  /** Asks {@code execution} to stop after the chunk it is in. */
  static void stop(JobExecution execution) {
    execution.setStatus(BatchStatus.STOPPING);
    for (StepExecution step : execution.getStepExecutions()) {
      if (step.getStatus().isRunning()) {
        step.setTerminateOnly();
      }
    }
  }
}
