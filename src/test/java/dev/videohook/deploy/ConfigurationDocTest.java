package dev.videohook.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.videohook.download.DownloadHandler;
import dev.videohook.notify.NotifyHandler;
import dev.videohook.reconcile.ReconcileHandler;
import dev.videohook.webhook.WebhookHandler;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * docs/configuration.md and the code name the same environment variables: every variable the
 * functions, the command line and the local stack read is documented, and every documented one is
 * read.
 */
class ConfigurationDocTest {
  private static final String NAME = "[A-Z][A-Z0-9]*(?:_[A-Z0-9]+)+|PORT";

  /**
   * How the code names a variable it reads: a constant ({@code static final String JOBS_TABLE =
   * "JOBS_TABLE"}), a look-up by literal ({@code env.get("NO_COLOR")}), or a picocli default
   * ({@code ${env:PORT:-3000}}). Provider-derived names come from the handlers' ENVIRONMENT sets.
   */
  private static final List<Pattern> READS =
      List.of(
          Pattern.compile("static final String \\w+\\s*=\\s*\"(" + NAME + ")\""),
          Pattern.compile("(?:getenv|\\bget|getOrDefault|containsKey)\\(\"(" + NAME + ")\""),
          Pattern.compile("\\$\\{env:(" + NAME + ")"));

  /** A table row's first cell, and the variables named in it. */
  private static final Pattern ROW = Pattern.compile("(?m)^\\| ([^|]+) \\|");

  private static final Pattern DOCUMENTED = Pattern.compile("`(" + NAME + ")`");

  static Set<String> readByTheCode() throws Exception {
    Set<String> names = new TreeSet<>();
    names.addAll(WebhookHandler.ENVIRONMENT);
    names.addAll(DownloadHandler.ENVIRONMENT);
    names.addAll(ReconcileHandler.ENVIRONMENT);
    names.addAll(NotifyHandler.ENVIRONMENT);
    for (String root : List.of("src/main/java", "src/local/java")) {
      try (Stream<Path> files = Files.walk(Path.of(root))) {
        for (Path file : files.filter(f -> f.toString().endsWith(".java")).toList()) {
          String source = Files.readString(file);
          for (Pattern read : READS) {
            Matcher m = read.matcher(source);
            while (m.find()) {
              names.add(m.group(1));
            }
          }
        }
      }
    }
    return names;
  }

  static Set<String> documented(String page) {
    Set<String> names = new TreeSet<>();
    Matcher row = ROW.matcher(page);
    while (row.find()) {
      Matcher name = DOCUMENTED.matcher(row.group(1));
      while (name.find()) {
        names.add(name.group(1));
      }
    }
    return names;
  }

  @Test
  void everyVariableTheCodeReads_isDocumented_andNoOther() throws Exception {
    Set<String> code = readByTheCode();
    Set<String> docs = documented(Files.readString(Path.of("docs/configuration.md")));
    Set<String> undocumented = new TreeSet<>(code);
    undocumented.removeAll(docs);
    Set<String> unread = new TreeSet<>(docs);
    unread.removeAll(code);
    assertEquals(Set.of(), undocumented, "read by the code, missing from docs/configuration.md");
    assertEquals(Set.of(), unread, "in docs/configuration.md, read by no code");
  }

  @Test
  void theScanFindsConstantsLookUpsAndPicocliDefaults() throws Exception {
    Set<String> code = readByTheCode();
    assertTrue(code.containsAll(Set.of("JOBS_TABLE", "NO_COLOR", "PORT", "AWS_DEFAULT_REGION")));
    assertTrue(code.containsAll(Set.of("OPENROUTER_API_KEY", "MODELGATES_WEBHOOK_SECRET")), "");
  }
}
