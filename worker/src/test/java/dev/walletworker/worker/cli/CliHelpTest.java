package dev.walletworker.worker.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.assertj.core.api.SoftAssertions;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;
import picocli.CommandLine.Model.ArgSpec;
import picocli.CommandLine.Model.CommandSpec;

/**
 * {@code --help} of every command, as an operator reads it: each description is whole sentences,
 * and the one-line summary a parent lists for each command is never cut.
 */
class CliHelpTest {

  @Test
  void everyDescriptionIsWholeSentences() {
    SoftAssertions softly = new SoftAssertions();
    for (CommandSpec command : commands()) {
      String name = command.qualifiedName(" ");
      for (String line : command.usageMessage().description()) {
        softly.assertThat(line).as("description of %s", name).satisfies(CliHelpTest::sentences);
      }
      for (ArgSpec arg : args(command)) {
        String[] description = arg.description();
        softly
            .assertThat(description)
            .as("%s %s has a description", name, arg.paramLabel())
            .isNotEmpty();
        for (String line : description) {
          softly
              .assertThat(line)
              .as("description of %s %s", name, label(arg))
              .satisfies(CliHelpTest::sentences);
        }
      }
    }
    softly.assertAll();
  }

  @Test
  void helpListsEachCommandWithItsWholeSummary() {
    SoftAssertions softly = new SoftAssertions();
    for (CommandSpec command : commands()) {
      String help = help(command);
      String flowing = help.replaceAll("\\s+", " ");
      for (CommandLine sub : command.subcommands().values()) {
        String summary = sub.getCommandSpec().usageMessage().description()[0];
        softly
            .assertThat(flowing)
            .as("%s --help lists %s", command.qualifiedName(" "), sub.getCommandName())
            .contains(sub.getCommandName() + " " + summary.replaceAll("\\s+", " "));
      }
      for (String line : help.lines().toList()) {
        // A synopsis wrapped inside an option ("[--status=…" on one line, "]" on the next).
        softly
            .assertThat(count(line, '['))
            .as("%s --help line '%s'", command.qualifiedName(" "), line)
            .isEqualTo(count(line, ']'));
      }
    }
    softly.assertAll();
  }

  /** One or more sentences: a capital or a symbol first, a full stop last, no line breaks. */
  private static void sentences(String text) {
    assertThat(text).isNotBlank().doesNotContain("\n");
    assertThat(text.codePointAt(0))
        .satisfiesAnyOf(
            c -> assertThat(Character.isUpperCase(c)).isTrue(),
            c -> assertThat("-`'\"(".indexOf(c)).isNotNegative());
    assertThat(text.strip()).matches("(?s).*[.!?][)'\"]?");
  }

  private static String help(CommandSpec command) {
    List<String> args = new ArrayList<>(List.of(command.qualifiedName(" ").split(" ")));
    args.remove(0); // the root's own name, bin/worker
    args.add("--help");
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int code =
        WorkerCommand.execute(
            args.toArray(String[]::new),
            new PrintStream(out, true, StandardCharsets.UTF_8),
            new PrintStream(err, true, StandardCharsets.UTF_8),
            Map.of());
    assertThat(code).as(err.toString(StandardCharsets.UTF_8)).isZero();
    return out.toString(StandardCharsets.UTF_8);
  }

  private static List<CommandSpec> commands() {
    List<CommandSpec> all = new ArrayList<>();
    collect(
        WorkerCommand.commandLine(new CliEnvironment(System.out, System.err, Map.of()))
            .getCommandSpec(),
        all);
    return all;
  }

  private static void collect(CommandSpec command, List<CommandSpec> all) {
    all.add(command);
    command.subcommands().values().forEach(sub -> collect(sub.getCommandSpec(), all));
  }

  private static List<ArgSpec> args(CommandSpec command) {
    return Stream.concat(command.options().stream(), command.positionalParameters().stream())
        .map(ArgSpec.class::cast)
        .toList();
  }

  private static String label(ArgSpec arg) {
    return arg instanceof CommandLine.Model.OptionSpec option
        ? option.longestName()
        : arg.paramLabel();
  }

  private static long count(String text, char c) {
    return text.chars().filter(x -> x == c).count();
  }
}
