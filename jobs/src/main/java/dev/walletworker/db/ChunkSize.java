package dev.walletworker.db;

/**
 * The chunk size of the scanning jobs ({@code wallet.jobs.NAME.chunk-size}): items per transaction,
 * and rows per page of their keyset reader. The default is declared here once; the worker's
 * configuration record and the jobs' property placeholders use it.
 */
public final class ChunkSize {

  /** Items per transaction when {@code wallet.jobs.NAME.chunk-size} is not set. */
  public static final int DEFAULT = 100;

  private ChunkSize() {}
}
