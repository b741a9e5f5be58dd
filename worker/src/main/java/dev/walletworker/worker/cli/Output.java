package dev.walletworker.worker.cli;

/**
 * A command's answer: the JSON document for {@code --json}, the text for people, and the exit code
 * (non-zero when the command ran but what it reports failed, e.g. a job run).
 */
record Output(Object json, String text, int exitCode) {
  Output(Object json, String text) {
    this(json, text, 0);
  }
}
