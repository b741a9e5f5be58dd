package dev.walletworker.migrations;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The scripts as found in a packaged jar, and what makes the listing give up. */
class MigrationScriptsTest {

  @TempDir Path dir;

  @Test
  void aJarListsTheSameScriptsWithTheSameChecksumsAsTheBuildFolder() throws Exception {
    MigrationScripts built = MigrationScripts.onClasspath(getClass().getClassLoader());
    assertThat(built).isNotNull();
    assertThat(built.versioned).containsKey("V1__accounts_wallets_ledger.sql");
    assertThat(built.repeatable).isNotEmpty();
    Map<String, byte[]> files = new LinkedHashMap<>();
    for (String name :
        java.util.stream.Stream.concat(
                built.versioned.keySet().stream(), built.repeatable.keySet().stream())
            .toList()) {
      try (var in = getClass().getClassLoader().getResourceAsStream("db/migration/" + name)) {
        files.put("db/migration/" + name, in.readAllBytes());
      }
    }

    MigrationScripts packaged = inJar(files);

    assertThat(packaged).isNotNull();
    assertThat(packaged.versioned).isEqualTo(built.versioned);
    assertThat(packaged.repeatable).isEqualTo(built.repeatable);
  }

  @Test
  void anythingButPlainScriptsIsLeftToFlyway() throws Exception {
    byte[] sql = "SELECT 1;\n".getBytes(StandardCharsets.UTF_8);
    assertThat(inJar(Map.of("db/migration/V1__a.sql", sql, "db/migration/R__b.sql", sql)))
        .isNotNull();
    assertThat(inJar(Map.of("db/migration/V1__a.sql", sql, "db/migration/afterMigrate.sql", sql)))
        .as("a callback")
        .isNull();
    assertThat(inJar(Map.of("db/migration/V1__a.sql", sql, "db/migration/more/V2__b.sql", sql)))
        .as("a subfolder")
        .isNull();
    assertThat(inJar(Map.of("db/migration/V2__Java.class", sql))).as("a Java migration").isNull();
    assertThat(inJar(Map.of("other/V1__a.sql", sql))).as("no folder").isNull();
  }

  @Test
  void checksumIgnoresLineEndingsAndAByteOrderMark() throws Exception {
    int unix = checksum("CREATE TABLE a (id int);\nSELECT 1;\n");
    assertThat(checksum("CREATE TABLE a (id int);\r\nSELECT 1;\r\n")).isEqualTo(unix);
    assertThat(checksum("\uFEFFCREATE TABLE a (id int);\nSELECT 1;")).isEqualTo(unix);
    assertThat(checksum("CREATE TABLE a (id int);\nSELECT 2;\n")).isNotEqualTo(unix);
  }

  private static int checksum(String text) throws IOException {
    return MigrationScripts.checksum(
        new ByteArrayInputStream(text.getBytes(StandardCharsets.UTF_8)));
  }

  private MigrationScripts inJar(Map<String, byte[]> files) throws IOException {
    Path jar = Files.createTempFile(dir, "migrations", ".jar");
    try (OutputStream out = Files.newOutputStream(jar);
        JarOutputStream zip = new JarOutputStream(out)) {
      java.util.Set<String> folders = new java.util.TreeSet<>();
      for (String name : files.keySet()) {
        for (int slash = name.indexOf('/'); slash > 0; slash = name.indexOf('/', slash + 1)) {
          folders.add(name.substring(0, slash + 1));
        }
      }
      // As a build writes them: a folder is found on the classpath through its own entry.
      for (String folder : folders) {
        zip.putNextEntry(new JarEntry(folder));
        zip.closeEntry();
      }
      for (Map.Entry<String, byte[]> file : files.entrySet()) {
        zip.putNextEntry(new JarEntry(file.getKey()));
        zip.write(file.getValue());
        zip.closeEntry();
      }
    }
    try (URLClassLoader loader = new URLClassLoader(new URL[] {jar.toUri().toURL()}, null)) {
      return MigrationScripts.onClasspath(loader);
    }
  }
}
