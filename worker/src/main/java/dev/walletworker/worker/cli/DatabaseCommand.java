package dev.walletworker.worker.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * A command that works on the database (or on the settings alone). Its arguments are checked in
 * {@link #prepare()} before anything is opened, so bad input is refused without starting anything
 * or changing anything.
 */
abstract class DatabaseCommand implements Callable<Integer> {

  @Option(names = "--json", description = "Print exactly one JSON document on stdout.")
  boolean json;

  @Spec CommandSpec spec;

  final CliEnvironment env;

  DatabaseCommand(CliEnvironment env) {
    this.env = env;
  }

  /** Validates the arguments and returns the work to do against the opened application. */
  abstract Action prepare();

  /** Refuses the command line as bad usage (exit 2), before anything is opened. */
  ParameterException usage(String message) {
    return new ParameterException(spec.commandLine(), message);
  }

  void checkLimit(int limit, int max) {
    if (limit < 1 || limit > max) {
      throw usage("--limit must be between 1 and " + max + ", got " + limit);
    }
  }

  /** A filter option that must be one of {@code allowed} when given. */
  void checkOneOf(String option, String value, java.util.List<String> allowed) {
    if (value != null && !allowed.contains(value)) {
      throw usage(
          option + " must be one of " + String.join(", ", allowed) + ", got '" + value + "'");
    }
  }

  @Override
  public Integer call() {
    Action action = prepare();
    Output output;
    try (CliContext context = env.context()) {
      output = action.run(context);
    }
    if (json) {
      env.out.println(Json.write(output.json()));
    } else {
      env.out.println(output.text());
    }
    return output.exitCode();
  }

  /** The command's work; it opens, through the context, only what it uses. */
  interface Action {
    Output run(CliContext context);
  }
}
