package dev.walletworker.worker;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.reflect.RecordComponent;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.MapConfigurationPropertySource;
import org.springframework.boot.env.YamlPropertySourceLoader;
import org.springframework.core.env.StandardEnvironment;
import org.springframework.core.io.ClassPathResource;

/**
 * A default is written in {@link WorkerProperties} and repeated, for operators, in {@code
 * config/application.yml} (as {@code ${VARIABLE:default}}) and in the README's configuration table.
 * The three must say the same, or an operator reads one value while the worker runs another.
 */
class ConfigurationDefaultsTest {

  private static final Pattern YML_DEFAULT = Pattern.compile("\\$\\{([A-Z][A-Z0-9_]*):([^}]*)}");
  private static final Pattern README_ROW =
      Pattern.compile(
          "^\\| `([A-Z][A-Z0-9_]*)` \\| `wallet\\.[^`]+` \\| ([^|]+) \\|", Pattern.MULTILINE);

  @Test
  void theBoundDefaultsAreTheDocumentedOnes() throws Exception {
    StandardEnvironment environment = new StandardEnvironment();
    // Only the file: no variable or property of this machine may stand in for a default.
    environment
        .getPropertySources()
        .remove(StandardEnvironment.SYSTEM_ENVIRONMENT_PROPERTY_SOURCE_NAME);
    environment
        .getPropertySources()
        .remove(StandardEnvironment.SYSTEM_PROPERTIES_PROPERTY_SOURCE_NAME);
    new YamlPropertySourceLoader()
        .load("application.yml", new ClassPathResource("application.yml"))
        .forEach(environment.getPropertySources()::addLast);
    WorkerProperties fromFile =
        Binder.get(environment).bindOrCreate("wallet", WorkerProperties.class);
    WorkerProperties fromCode =
        new Binder(new MapConfigurationPropertySource())
            .bindOrCreate("wallet", WorkerProperties.class);

    Map<String, Object> file = flatten("wallet", fromFile);
    Map<String, Object> code = flatten("wallet", fromCode);
    file.keySet().removeIf(key -> key.startsWith("wallet.jobs"));
    code.keySet().removeIf(key -> key.startsWith("wallet.jobs"));
    assertThat(file).hasSizeGreaterThan(40).isEqualTo(code);
    fromFile
        .jobs()
        .forEach(
            (name, job) ->
                assertThat(job.chunkSize())
                    .as("wallet.jobs." + name + ".chunk-size")
                    .isEqualTo(dev.walletworker.db.ChunkSize.DEFAULT));
  }

  @Test
  void theReadmeTableGivesTheFilesDefaults() throws Exception {
    Map<String, String> inFile = new LinkedHashMap<>();
    Matcher yml =
        YML_DEFAULT.matcher(
            new String(
                new ClassPathResource("application.yml").getInputStream().readAllBytes(),
                java.nio.charset.StandardCharsets.UTF_8));
    while (yml.find()) {
      inFile.put(yml.group(1), yml.group(2));
    }
    Map<String, String> inReadme = new LinkedHashMap<>();
    Matcher row = README_ROW.matcher(Files.readString(Path.of("..", "README.md")));
    while (row.find()) {
      String value = row.group(2).strip();
      inReadme.put(
          row.group(1), value.equals("*(empty)*") ? "" : value.replaceAll("^`(.*)`$", "$1"));
    }

    assertThat(inReadme).hasSizeGreaterThan(40);
    inReadme.keySet().retainAll(inFile.keySet());
    Map<String, String> expected = new LinkedHashMap<>(inFile);
    expected.keySet().retainAll(inReadme.keySet());
    assertThat(inReadme).hasSizeGreaterThan(40).isEqualTo(expected);
  }

  /** Every leaf setting by its key; blank text counts as unset (the file's "${X:}"). */
  private static Map<String, Object> flatten(String prefix, Object value) throws Exception {
    Map<String, Object> leaves = new LinkedHashMap<>();
    if (value != null && value.getClass().isRecord()) {
      for (RecordComponent component : value.getClass().getRecordComponents()) {
        leaves.putAll(
            flatten(prefix + "." + component.getName(), component.getAccessor().invoke(value)));
      }
    } else {
      leaves.put(prefix, value instanceof String s && s.isBlank() ? null : value);
    }
    return leaves;
  }
}
