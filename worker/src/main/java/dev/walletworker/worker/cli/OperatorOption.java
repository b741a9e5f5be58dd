package dev.walletworker.worker.cli;

import dev.walletworker.Texts;
import dev.walletworker.audit.AuditLog;
import picocli.CommandLine.Option;

/** {@code --operator NAME} of the ops actions: who the audit log says did it. */
final class OperatorOption {

  @Option(
      names = "--operator",
      paramLabel = "NAME",
      description = "Who does this, as the audit log records it (default: the OS user).")
  String value;

  /**
   * The name given, or the OS user's; checked before the action runs (a job command records its row
   * after the action, which must not then fail on the name).
   */
  String name() {
    return Texts.clean(
        value != null ? value : System.getProperty("user.name"),
        "operator",
        AuditLog.MAX_OPERATOR,
        true);
  }
}
