package dev.walletworker.migrations;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.net.JarURLConnection;
import java.net.URISyntaxException;
import java.net.URL;
import java.net.URLConnection;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Enumeration;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import java.util.zip.CRC32;

/**
 * The SQL migrations on the classpath with the checksums Flyway gives them, read without Flyway
 * (which takes far longer to start than a CLI command may). Anything this class does not fully
 * understand (a callback script, a Java migration, a subfolder, the same script twice) makes it
 * answer "unknown", and the caller asks Flyway.
 */
final class MigrationScripts {

  private static final String FOLDER = Migrations.LOCATION.substring("classpath:".length());
  private static final Pattern VERSIONED = Pattern.compile("V[0-9][0-9._]*__.+\\.sql");
  private static final Pattern REPEATABLE = Pattern.compile("R__.+\\.sql");

  /** Script name → checksum, as Flyway records them in its history. */
  final Map<String, Integer> versioned;

  final Map<String, Integer> repeatable;

  private MigrationScripts(Map<String, Integer> versioned, Map<String, Integer> repeatable) {
    this.versioned = versioned;
    this.repeatable = repeatable;
  }

  /** The scripts, or null when the folder holds anything but plain V and R scripts. */
  static MigrationScripts onClasspath(ClassLoader classLoader) {
    try {
      Map<String, Integer> versioned = new TreeMap<>();
      Map<String, Integer> repeatable = new TreeMap<>();
      Enumeration<URL> folders = classLoader.getResources(FOLDER);
      if (!folders.hasMoreElements()) {
        return null;
      }
      for (URL folder : Collections.list(folders)) {
        List<Script> scripts = list(folder);
        if (scripts == null) {
          return null;
        }
        for (Script script : scripts) {
          Map<String, Integer> kind =
              VERSIONED.matcher(script.name).matches()
                  ? versioned
                  : REPEATABLE.matcher(script.name).matches() ? repeatable : null;
          if (kind == null || kind.put(script.name, script.checksum) != null) {
            return null;
          }
        }
      }
      return new MigrationScripts(versioned, repeatable);
    } catch (IOException | UncheckedIOException | URISyntaxException | ClassCastException e) {
      return null;
    }
  }

  private record Script(String name, int checksum) {}

  /** The files of one classpath folder (a directory, or a folder inside a jar); null if neither. */
  private static List<Script> list(URL folder) throws IOException, URISyntaxException {
    List<Script> scripts = new ArrayList<>();
    if (folder.getProtocol().equals("file")) {
      Path dir = Path.of(folder.toURI());
      try (Stream<Path> files = Files.list(dir)) {
        for (Path file : files.toList()) {
          if (Files.isDirectory(file)) {
            return null;
          }
          try (InputStream in = Files.newInputStream(file)) {
            scripts.add(new Script(file.getFileName().toString(), checksum(in)));
          }
        }
      }
      return scripts;
    }
    if (folder.getProtocol().equals("jar")) {
      URLConnection connection = folder.openConnection();
      connection.setUseCaches(false);
      String prefix = ((JarURLConnection) connection).getEntryName() + "/";
      try (JarFile jar = ((JarURLConnection) connection).getJarFile()) {
        for (JarEntry entry : Collections.list(jar.entries())) {
          String name = entry.getName();
          if (!name.startsWith(prefix) || name.equals(prefix)) {
            continue;
          }
          String relative = name.substring(prefix.length());
          if (entry.isDirectory() || relative.contains("/")) {
            return null;
          }
          try (InputStream in = jar.getInputStream(entry)) {
            scripts.add(new Script(relative, checksum(in)));
          }
        }
      }
      return scripts;
    }
    return null;
  }

  /**
   * Flyway's checksum of a script: CRC32 over its lines in UTF-8, without line endings and without
   * a byte-order mark (Flyway's {@code ChecksumCalculator}; a test compares it with Flyway's).
   */
  static int checksum(InputStream in) throws IOException {
    CRC32 crc = new CRC32();
    BufferedReader reader =
        new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8), 4096);
    for (String line = reader.readLine(); line != null; line = reader.readLine()) {
      String text = line.startsWith("\uFEFF") ? line.substring(1) : line;
      crc.update(text.getBytes(StandardCharsets.UTF_8));
    }
    return (int) crc.getValue();
  }
}
