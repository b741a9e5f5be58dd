package dev.walletworker.metering;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.dao.TransientDataAccessException;

/**
 * Group commit for usage: the events of every request arriving at the same moment are recorded in
 * as few transactions as possible. Each writer thread owns a share of the accounts (by hash), so a
 * wallet is only ever written by one of them; it takes everything queued for it — up to {@code
 * maxGroup} events — and records it as one group ({@link UsageRecorder#record}), while the next
 * requests queue behind. A request's answer is completed only after the group holding its last
 * event has committed.
 *
 * <p>Within one request the same account and id twice: the first decides, the later ones are {@code
 * duplicate} with its result. A group whose transaction fails (the database went away) fails every
 * request in it: nothing was posted, and the caller retries with the same ids.
 */
public final class UsageGroupCommit implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(UsageGroupCommit.class);
  private static final int ATTEMPTS = 3;

  /** A group smaller than this is mostly its transaction's fixed cost (see {@link #gather}). */
  static final int SMALL_GROUP = 16;

  private final UsageRecorder recorder;
  private final int maxGroup;
  private final long gatherNanos;
  private final List<BlockingQueue<Pending>> queues = new ArrayList<>();
  private final List<Thread> writers = new ArrayList<>();
  private volatile boolean closed;

  /**
   * @param writerCount threads writing groups (each owns the accounts whose hash falls to it)
   * @param maxGroup the most events one group holds
   * @param gather how long a writer holding a small group waits for more events before it writes
   *     (zero: never waits)
   */
  public UsageGroupCommit(
      UsageRecorder recorder, int writerCount, int maxGroup, java.time.Duration gather) {
    this.recorder = recorder;
    this.maxGroup = maxGroup;
    this.gatherNanos = gather.toNanos();
    for (int i = 0; i < writerCount; i++) {
      BlockingQueue<Pending> queue = new LinkedBlockingQueue<>();
      queues.add(queue);
      Thread thread = new Thread(() -> write(queue), "usage-writer-" + i);
      thread.setDaemon(true);
      writers.add(thread);
      thread.start();
    }
  }

  /** Records the events; the future holds a result for each, in order. */
  public CompletableFuture<List<UsageResult>> submit(List<UsageEvent> events) {
    Request request = new Request(events.size());
    if (closed) {
      request.future.completeExceptionally(new IllegalStateException("shutting down"));
      return request.future;
    }
    Map<String, Integer> first = new HashMap<>();
    List<Pending> pending = new ArrayList<>();
    for (int i = 0; i < events.size(); i++) {
      UsageEvent event = events.get(i);
      Integer earlier = first.putIfAbsent(event.accountId() + "\u0000" + event.id(), i);
      if (earlier != null) {
        request.duplicateOf[i] = earlier;
      } else {
        pending.add(new Pending(request, i, event));
      }
    }
    request.remaining.set(pending.size());
    if (pending.isEmpty()) {
      request.finish();
    }
    for (Pending p : pending) {
      queues.get(Math.floorMod(p.event.accountId().hashCode(), queues.size())).add(p);
    }
    return request.future;
  }

  private void write(BlockingQueue<Pending> queue) {
    List<Pending> group = new ArrayList<>(maxGroup);
    while (!closed || !queue.isEmpty()) {
      try {
        Pending head = queue.poll(200, TimeUnit.MILLISECONDS);
        if (head == null) {
          continue;
        }
        group.add(head);
        queue.drainTo(group, maxGroup - 1);
        gather(queue, group);
        record(group);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      } finally {
        group.clear();
      }
    }
  }

  /**
   * Lets a small group wait a moment for more events, as PostgreSQL's commit_delay does for
   * commits: a group's statements and commit cost about as much for 2 events as for 16, so under
   * light traffic, when each request would otherwise be a group of its own, waiting {@code gather}
   * (a millisecond) for the next ones halves the database's work per event. A queue that already
   * holds a full group never waits.
   */
  private void gather(BlockingQueue<Pending> queue, List<Pending> group)
      throws InterruptedException {
    long deadline = System.nanoTime() + gatherNanos;
    while (group.size() < SMALL_GROUP && gatherNanos > 0) {
      long left = deadline - System.nanoTime();
      if (left <= 0) {
        return;
      }
      Pending next = queue.poll(left, TimeUnit.NANOSECONDS);
      if (next == null) {
        return;
      }
      group.add(next);
      queue.drainTo(group, maxGroup - group.size());
    }
  }

  private void record(List<Pending> group) {
    List<UsageEvent> events = group.stream().map(p -> p.event).toList();
    for (int attempt = 1; ; attempt++) {
      try {
        List<UsageResult> results = recorder.record(events);
        for (int i = 0; i < group.size(); i++) {
          group.get(i).complete(results.get(i));
        }
        return;
      } catch (TransientDataAccessException e) {
        // A deadlock or serialization failure rolled the whole group back: record it again.
        if (attempt < ATTEMPTS) {
          log.warn(
              "usage group retried events={} attempt={}: {}",
              events.size(),
              attempt,
              e.getMessage());
          continue;
        }
        fail(group, e);
        return;
      } catch (RuntimeException e) {
        fail(group, e);
        return;
      }
    }
  }

  private static void fail(List<Pending> group, RuntimeException e) {
    log.error("usage group failed events={}: nothing posted: {}", group.size(), e.toString());
    for (Pending p : group) {
      p.request.future.completeExceptionally(e);
    }
  }

  /** Stops taking requests, lets the writers finish what is queued, then stops them. */
  @Override
  public void close() {
    closed = true;
    for (Thread writer : writers) {
      try {
        writer.join(30_000);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
    }
  }

  private record Pending(Request request, int index, UsageEvent event) {
    void complete(UsageResult result) {
      request.results[index] = result;
      if (request.remaining.decrementAndGet() == 0) {
        request.finish();
      }
    }
  }

  private static final class Request {
    final UsageResult[] results;
    final int[] duplicateOf;
    final AtomicInteger remaining = new AtomicInteger();
    final CompletableFuture<List<UsageResult>> future = new CompletableFuture<>();

    Request(int size) {
      results = new UsageResult[size];
      duplicateOf = new int[size];
      java.util.Arrays.fill(duplicateOf, -1);
    }

    void finish() {
      for (int i = 0; i < results.length; i++) {
        if (duplicateOf[i] >= 0) {
          results[i] = results[duplicateOf[i]].asDuplicate();
        }
      }
      future.complete(List.of(results));
    }
  }
}
