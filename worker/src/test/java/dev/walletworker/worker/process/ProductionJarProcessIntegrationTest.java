package dev.walletworker.worker.process;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.jar.JarInputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The production jar ({@code target/wallet-worker.jar}, what {@code bin/worker run} starts) carries
 * neither the demo, nor the Stripe emulator, nor GreenMail: test tools stay out of production.
 */
class ProductionJarProcessIntegrationTest {

  private static final List<String> FORBIDDEN =
      List.of("dev/walletworker/stripe/emulator/", "com/icegreen/", "dev/walletworker/demo/");

  @TempDir Path workDir;

  @Test
  void theJarCarriesNoEmulatorNoGreenMailAndNoDemo() throws IOException {
    Set<String> found = new TreeSet<>();
    List<String> nestedJars = new ArrayList<>();
    try (JarFile jar = new JarFile(DaemonProcess.JAR.toFile())) {
      for (JarEntry entry : jar.stream().toList()) {
        check(entry.getName(), "", found);
        if (entry.getName().startsWith("BOOT-INF/lib/") && entry.getName().endsWith(".jar")) {
          nestedJars.add(entry.getName());
          // Boot nests each library as a jar: look inside it too.
          try (InputStream in = jar.getInputStream(entry);
              JarInputStream nested = new JarInputStream(in)) {
            for (JarEntry inner; (inner = nested.getNextJarEntry()) != null; ) {
              check(inner.getName(), entry.getName() + "!/", found);
            }
          }
        }
      }
    }

    // The check reads the libraries (a jar with none would pass for the wrong reason).
    assertThat(nestedJars).anyMatch(name -> name.contains("/jobs-"));
    assertThat(found).isEmpty();
  }

  @Test
  void theDemoCommandIsListedButRunsOnlyFromTheDemoJar() throws Exception {
    Run help = java("--help");
    assertThat(help.code).as(help.err).isZero();
    assertThat(help.out).containsPattern("(?m)^\\s+demo\\s");

    Run demo = java("demo", "--accounts", "5", "--days", "1");
    assertThat(demo.code).isEqualTo(1);
    assertThat(demo.out).isEmpty();
    assertThat(demo.err)
        .isEqualTo(
            "error: the demo is not part of the production jar: run it with bin/worker demo (it"
                + " builds and runs demo/target/wallet-worker-demo.jar)\n");
    // Refused before anything was started.
    assertThat(workDir.resolve("var")).doesNotExist();
  }

  /** Notes each forbidden package once per jar it is found in. */
  private static void check(String name, String where, Set<String> found) {
    String path = name.startsWith("BOOT-INF/classes/") ? name.substring(17) : name;
    for (String forbidden : FORBIDDEN) {
      if (path.startsWith(forbidden)) {
        found.add(where + forbidden);
      }
    }
  }

  private Run java(String... args) throws IOException, InterruptedException {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.add("-jar");
    command.add(DaemonProcess.JAR.toString());
    command.addAll(List.of(args));
    ProcessBuilder builder = new ProcessBuilder(command).directory(workDir.toFile());
    builder.environment().remove("DATABASE_URL");
    Path out = workDir.resolve("stdout.txt");
    Path err = workDir.resolve("stderr.txt");
    builder.redirectOutput(out.toFile()).redirectError(err.toFile());
    Process process = builder.start();
    if (!process.waitFor(60, TimeUnit.SECONDS)) {
      process.destroyForcibly();
      throw new AssertionError("java -jar wallet-worker.jar " + String.join(" ", args));
    }
    return new Run(
        process.exitValue(),
        Files.readString(out, StandardCharsets.UTF_8),
        Files.readString(err, StandardCharsets.UTF_8));
  }

  private record Run(int code, String out, String err) {}
}
