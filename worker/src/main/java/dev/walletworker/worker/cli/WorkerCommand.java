package dev.walletworker.worker.cli;

import dev.walletworker.WalletException;
import java.io.PrintStream;
import java.lang.reflect.Constructor;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/**
 * The root of {@code bin/worker}. Exit codes: 0 success; 1 refused or failed (nothing changed); 2
 * bad usage. Errors are one line on stderr; with {@code --json} stdout still gets exactly one JSON
 * document, {@code {"error": {"type", "message", "param"}}}.
 */
@Command(
    name = "bin/worker",
    mixinStandardHelpOptions = true,
    version = "wallet-worker 0.1.0",
    description = {
      "Keeps prepaid API-credit wallets healthy: the daemon, and the commands ops run against its"
          + " database.",
      "Every command takes --help; the database commands also take --json."
    })
public final class WorkerCommand implements Runnable {

  public static final int REFUSED = 1;
  public static final int USAGE = 2;

  /**
   * Every command, under the one it belongs to. Kept here rather than in the annotations' {@code
   * subcommands}, with which picocli would build all of them (by reflection, for every command
   * line) before running one: a command line builds only the commands on its path.
   */
  private static final List<Node> COMMANDS =
      List.of(
          node(RunCommand.class),
          node(DemoCommand.class),
          node(MigrateCommand.class),
          node(
              AccountsCommand.class,
              node(AccountsCommand.Create.class),
              node(AccountsCommand.Show.class),
              node(AccountsCommand.Set.class),
              node(AccountsCommand.Block.class),
              node(AccountsCommand.Unblock.class),
              node(
                  AccountsCommand.Keys.class,
                  node(AccountsCommand.Keys.Rotate.class),
                  node(AccountsCommand.Keys.Revoke.class))),
          node(
              WalletCommand.class,
              node(WalletCommand.Usage.class),
              node(WalletCommand.Credit.class),
              node(WalletCommand.Transactions.class)),
          node(
              JobsCommand.class,
              node(JobsCommand.ListJobs.class),
              node(JobsCommand.Trigger.class),
              node(JobsCommand.Pause.class),
              node(JobsCommand.Resume.class),
              node(JobsCommand.History.class)),
          node(
              MailCommand.class,
              node(MailCommand.ListMail.class),
              node(MailCommand.Retry.class),
              node(MailCommand.Preview.class)),
          node(
              TopUpsCommand.class,
              node(TopUpsCommand.ListTopUps.class),
              node(TopUpsCommand.ListCheckouts.class),
              node(TopUpsCommand.ListReviews.class),
              node(TopUpsCommand.ResolveReview.class)),
          node(HoldsCommand.class, node(HoldsCommand.ListHolds.class)),
          node(
              ServiceKeysCommand.class,
              node(ServiceKeysCommand.Create.class),
              node(ServiceKeysCommand.ListKeys.class),
              node(ServiceKeysCommand.Revoke.class)),
          node(
              PricesCommand.class,
              node(PricesCommand.Set.class),
              node(PricesCommand.ListPrices.class)),
          node(AuditCommand.class, node(AuditCommand.ListAudit.class)),
          node(
              OpsUsersCommand.class,
              node(OpsUsersCommand.Add.class),
              node(OpsUsersCommand.ListUsers.class),
              node(OpsUsersCommand.Remove.class)));

  private record Node(Class<?> type, List<Node> children) {}

  private static Node node(Class<?> type, Node... children) {
    return new Node(type, List.of(children));
  }

  @Spec CommandSpec spec;

  @Override
  public void run() {
    throw new CommandLine.ParameterException(spec.commandLine(), "a command is required");
  }

  /** Runs one command line; returns the process exit code. */
  public static int execute(
      String[] args, PrintStream out, PrintStream err, Map<String, String> overrides) {
    CliEnvironment env = new CliEnvironment(out, err, overrides);
    boolean json = Arrays.asList(args).contains("--json");
    CommandLine cli = commandLine(env, args);
    cli.setOut(new java.io.PrintWriter(out, true));
    cli.setErr(new java.io.PrintWriter(err, true));
    cli.setParameterExceptionHandler(
        (e, arguments) -> {
          String help = e.getCommandLine().getCommandSpec().qualifiedName(" ") + " --help";
          return fail(env, json, "usage", e.getMessage(), null, "(see " + help + ")", USAGE);
        });
    cli.setExecutionExceptionHandler(
        (e, commandLine, parseResult) -> {
          if (e instanceof WalletException w) {
            return fail(
                env,
                json,
                w.type().code(),
                withOption(w.getMessage(), w.param()),
                w.param(),
                null,
                REFUSED);
          }
          return fail(env, json, "internal_error", StartupErrors.describe(e), null, null, REFUSED);
        });
    return cli.execute(args);
  }

  /** Every command, each created with {@code env}. */
  static CommandLine commandLine(CliEnvironment env) {
    return commandLine(env, null);
  }

  /**
   * The commands {@code args} can reach: every command of each group that the command line names
   * (so that help, errors and suggestions are the same as with the whole tree), and of the other
   * groups only the group itself. All of them when {@code args} is null.
   */
  static CommandLine commandLine(CliEnvironment env, String[] args) {
    Factory factory = new Factory(env);
    CommandLine root = new CommandLine(new WorkerCommand(), factory);
    add(root, COMMANDS, args, 0, factory);
    return root;
  }

  private static void add(
      CommandLine parent, List<Node> nodes, String[] args, int depth, Factory factory) {
    for (Node node : nodes) {
      CommandLine command;
      try {
        command = new CommandLine(factory.create(node.type()), factory);
      } catch (Exception e) {
        throw new IllegalStateException("cannot create the command " + node.type(), e);
      }
      parent.addSubcommand(command);
      if (args == null || (depth < args.length && args[depth].equals(command.getCommandName()))) {
        add(command, node.children(), args, depth + 1, factory);
      }
    }
  }

  private static int fail(
      CliEnvironment env,
      boolean json,
      String type,
      String message,
      String param,
      String hint,
      int code) {
    String oneLine = message.replaceAll("\\s*\\R\\s*", " ").strip();
    env.err.println("error: " + oneLine + (hint == null ? "" : " " + hint));
    if (json) {
      Map<String, Object> error = new LinkedHashMap<>();
      error.put("type", type);
      error.put("message", oneLine);
      error.put("param", param);
      env.out.println(Json.write(Map.of("error", error)));
    }
    return code;
  }

  /**
   * The options whose API field name (the {@code param} of an error, the same in the API and the
   * CLI) is not simply the option's name: an error about one says which option it means.
   */
  private static final Map<String, String> OPTIONS =
      Map.of(
          "auto_topup.enabled", "--auto-topup",
          "auto_topup.threshold", "--topup-threshold",
          "auto_topup.amount", "--topup-amount",
          "low_balance_alert.enabled", "--alert",
          "low_balance_alert.threshold", "--alert-threshold",
          "spending_limit.enabled", "--limit",
          "spending_limit.monthly_limit", "--monthly-limit",
          "spending_limit.action", "--limit-action");

  /** "spending_limit.monthly_limit (--monthly-limit) must be at least 1.00 USD, got 0.00". */
  static String withOption(String message, String param) {
    String option = param == null ? null : OPTIONS.get(param);
    if (option == null || !message.startsWith(param + " ")) {
      return message;
    }
    return param + " (" + option + ")" + message.substring(param.length());
  }

  /** Hands the environment to every command that takes it. */
  private record Factory(CliEnvironment env) implements CommandLine.IFactory {
    @Override
    public <K> K create(Class<K> type) throws Exception {
      try {
        Constructor<K> constructor = type.getDeclaredConstructor(CliEnvironment.class);
        constructor.setAccessible(true);
        return constructor.newInstance(env);
      } catch (NoSuchMethodException noEnvironment) {
        return CommandLine.defaultFactory().create(type);
      }
    }
  }
}
