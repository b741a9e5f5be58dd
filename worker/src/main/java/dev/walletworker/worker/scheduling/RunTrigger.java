package dev.walletworker.worker.scheduling;

/** Why a job run started; recorded with the run ({@code jobs history}) and in its metrics. */
public enum RunTrigger {
  /** Its schedule fired. */
  CRON,
  /** Ops asked ({@code jobs trigger}). */
  MANUAL,
  /** A database trigger said there is work ({@code wallet_wakeup}). */
  WAKEUP,
  /** Finishing a run a stopped or crashed process left behind. */
  RECOVERY;

  /** As recorded: {@code cron}, {@code manual}, {@code wakeup}, {@code recovery}. */
  public String code() {
    return name().toLowerCase(java.util.Locale.ROOT);
  }

  /** The trigger recorded as {@code code}; a run queued without one is a cron run. */
  static RunTrigger fromCode(String code) {
    if (code == null) {
      return CRON;
    }
    for (RunTrigger trigger : values()) {
      if (trigger.code().equals(code)) {
        return trigger;
      }
    }
    throw new IllegalArgumentException("unknown run trigger '" + code + "'");
  }
}
