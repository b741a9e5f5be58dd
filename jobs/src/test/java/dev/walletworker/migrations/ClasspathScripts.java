package dev.walletworker.migrations;

import java.io.IOException;
import java.io.InputStream;
import java.net.JarURLConnection;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;

/** The migration scripts on the test classpath (a directory, or the migrations jar). */
final class ClasspathScripts {

  private static final String FOLDER = Migrations.LOCATION.substring("classpath:".length());

  private ClasspathScripts() {}

  static List<String> names() throws Exception {
    URL url = ClasspathScripts.class.getClassLoader().getResource(FOLDER);
    List<String> names = new ArrayList<>();
    if (url.getProtocol().equals("jar")) {
      JarURLConnection jar = (JarURLConnection) url.openConnection();
      jar.setUseCaches(false);
      try (JarFile file = jar.getJarFile()) {
        Collections.list(file.entries()).stream()
            .map(JarEntry::getName)
            .filter(n -> n.startsWith(FOLDER + "/") && n.length() > FOLDER.length() + 1)
            .map(n -> n.substring(FOLDER.length() + 1))
            .forEach(names::add);
      }
    } else {
      try (var files = Files.list(Path.of(url.toURI()))) {
        files.map(f -> f.getFileName().toString()).forEach(names::add);
      }
    }
    Collections.sort(names);
    return names;
  }

  static String read(String name) throws IOException {
    try (InputStream in =
        ClasspathScripts.class.getClassLoader().getResourceAsStream(FOLDER + "/" + name)) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
  }
}
