package dev.videohook.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.videohook.cli.LocalCli;
import dev.videohook.cli.VideohookCli;
import dev.videohook.job.JobKey;
import dev.videohook.job.JobStatus;
import dev.videohook.local.LocalEnvFile;
import dev.videohook.local.LocalVideohook;
import dev.videohook.provider.Provider;
import dev.videohook.testing.LocalStackExtension;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every {@code ```sh} (or bash) example in README.md and docs/*.md runs as written against one
 * local stack, or is marked as one this test does not run.
 *
 * <p>A block is marked by an HTML comment on the line before its fence: {@code <!-- example: needs
 * AWS -->} (a deployed stack, the AWS CLI or SAM) or {@code <!-- example: not run: REASON -->}
 * (long-running, or run by the test the reason names). An unmarked block must consist of lines this
 * test runs, or it fails, so a new example cannot go untested by accident. Its lines, in order,
 * each as a user pastes it into a shell that has loaded {@code target/local.env}:
 *
 * <ul>
 *   <li>{@code videohook ARGS} and {@code java -jar target/videohook-cli.jar ARGS}: the command
 *       line's own entry point ({@link VideohookCli#run}) with exactly those arguments (split as sh
 *       splits them: quotes, a backslash at the end of a line, a {@code #} comment, a {@code >
 *       FILE} redirect of what it prints, into the temporary folder); it must exit 0.
 *   <li>{@code alias videohook='java -jar target/videohook-cli.jar'} (or the local product's jar,
 *       {@code target/videohook-local-cli.jar}, whose command line adds trigger): the alias the
 *       docs define, checked to be that one.
 *   <li>{@code set -a; . target/local.env; set +a}: loads the settings file the test's stack wrote
 *       (in a temporary folder, so a serve of the user's is not overwritten), then runs what
 *       follows it on the line.
 *   <li>{@code source <(videohook ARGS)}: runs the command, then has bash source what it printed.
 *   <li>{@code mvn -q package -DskipTests} and {@code mvn -q -Plocal -Dexec.args=serve}: stood in
 *       for: this test runs inside that build, and starts the stack itself ({@link
 *       LocalVideohook#start}, what serve starts).
 * </ul>
 *
 * <p>{@code <jobId>} in an example stands for a real job: one the test submits to acme through the
 * simulated provider before any example runs, and waits for until its video is stored.
 */
class DocExamplesTest {
  private static final Path ROOT = Path.of("");
  private static final String JAR = "target/videohook-cli.jar";
  private static final String LOCAL_JAR = "target/videohook-local-cli.jar";
  private static final String ALIAS = "alias videohook='java -jar " + JAR + "'";
  private static final String LOCAL_ALIAS = "alias videohook='java -jar " + LOCAL_JAR + "'";
  private static final String LOAD = "set -a; . target/local.env; set +a";
  private static final String JOB_ID = "<jobId>";
  private static final List<String> STOOD_IN_FOR =
      List.of("mvn -q package -DskipTests", "mvn -q -Plocal -Dexec.args=serve");
  private static final Pattern MARKER =
      Pattern.compile("<!-- example: (needs AWS|not run: [^>]+) -->");
  private static final Set<String> SHELL = Set.of("sh", "bash", "shell");
  private static final Pattern FENCE = Pattern.compile("^(\\s*)```(\\w*)\\s*$");

  private static LocalVideohook stack;
  private static Path envFile;
  private static String jobId;

  @TempDir static Path temp;

  /** One {@code ```sh} block: where it starts, the marker before it if any, and its lines. */
  record Block(Path file, int line, Optional<String> marker, List<String> lines) {
    @Override
    public String toString() {
      return file + ":" + line;
    }
  }

  @BeforeAll
  static void start() throws Exception {
    stack = LocalVideohook.start(0, Map.of());
    envFile = temp.resolve("local.env");
    LocalEnvFile.write(envFile, stack);
    jobId = stack.submit(Provider.OPENROUTER, "acme", "google/veo-3.1-lite", "a desk lamp").id();
    awaitStored(new JobKey("acme", Provider.OPENROUTER, jobId));
  }

  @AfterAll
  static void stop() {
    if (stack != null) {
      stack.close();
    }
  }

  @TestFactory
  Stream<DynamicTest> everyShellExample_runsAsWritten_orIsMarked() throws IOException {
    List<DynamicTest> tests = new ArrayList<>();
    for (Block block : blocks()) {
      if (block.marker().isPresent()) {
        continue;
      }
      tests.add(DynamicTest.dynamicTest(block.toString(), () -> run(block)));
    }
    assertTrue(
        tests.stream().anyMatch(t -> t.getDisplayName().startsWith("README.md:")),
        "README.md's quick start is run: "
            + tests.stream().map(DynamicTest::getDisplayName).toList());
    return tests.stream();
  }

  /** The sh blocks of README.md and docs/*.md, in order. */
  static List<Block> blocks() throws IOException {
    List<Path> files = new ArrayList<>(List.of(ROOT.resolve("README.md")));
    try (Stream<Path> docs = Files.list(ROOT.resolve("docs"))) {
      docs.filter(p -> p.toString().endsWith(".md")).sorted().forEach(files::add);
    }
    List<Block> blocks = new ArrayList<>();
    for (Path file : files) {
      List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
      for (int i = 0; i < lines.size(); i++) {
        Matcher fence = FENCE.matcher(lines.get(i));
        if (!fence.matches() || fence.group(2).isEmpty()) {
          continue;
        }
        int end = i + 1;
        while (!FENCE.matcher(lines.get(end)).matches()) {
          end++;
        }
        if (SHELL.contains(fence.group(2))) {
          Optional<String> marker = Optional.empty();
          if (i > 0) {
            Matcher m = MARKER.matcher(lines.get(i - 1).strip());
            if (m.matches()) {
              marker = Optional.of(m.group(1));
            } else if (lines.get(i - 1).contains("<!-- example")) {
              fail(
                  file
                      + ":"
                      + i
                      + ": a marker is needs AWS or not run: REASON, not "
                      + lines.get(i - 1));
            }
          }
          blocks.add(new Block(file, i + 1, marker, lines.subList(i + 1, end)));
        }
        i = end;
      }
    }
    return blocks;
  }

  private static void run(Block block) throws Exception {
    Map<String, String> env = new HashMap<>(LocalEnvFile.read(envFile));
    boolean localAlias = false;
    for (String line : commands(block.lines())) {
      String where = block + ": " + line;
      if (line.equals(ALIAS) || line.equals(LOCAL_ALIAS)) {
        localAlias = line.equals(LOCAL_ALIAS);
        continue;
      }
      if (STOOD_IN_FOR.contains(line)) {
        continue;
      }
      if (line.startsWith(LOAD)) {
        env = new HashMap<>(LocalEnvFile.read(envFile));
        line = line.substring(LOAD.length()).replaceFirst("^\\s*;\\s*", "");
        if (line.isEmpty()) {
          continue;
        }
      }
      List<String> words = Shell.words(line.replace(JOB_ID, jobId));
      boolean source = false;
      if (words.size() > 2 && words.get(0).equals("source") && words.get(1).equals("<(")) {
        source = true;
        words = words.subList(2, words.size() - 1);
      }
      Optional<List<String>> args = cliArguments(words);
      boolean local =
          words.size() >= 3 && words.get(2).equals(LOCAL_JAR)
              || !words.isEmpty() && words.get(0).equals("videohook") && localAlias;
      if (args.isEmpty()) {
        fail(
            where
                + "\n  is not a line this test runs: run it here, or mark the block"
                + " <!-- example: needs AWS --> or <!-- example: not run: REASON -->");
      }
      List<String> argv = new ArrayList<>(args.get());
      Path redirect = null;
      int gt = argv.indexOf(">");
      if (gt >= 0) {
        redirect = temp.resolve(Path.of(argv.get(gt + 1)).getFileName());
        argv = argv.subList(0, gt);
      }
      StringWriter out = new StringWriter();
      StringWriter err = new StringWriter();
      String[] arguments = argv.toArray(String[]::new);
      PrintWriter outWriter = new PrintWriter(out, true);
      PrintWriter errWriter = new PrintWriter(err, true);
      // the local product's command line (trigger besides every production command), or the
      // production one, as the example's jar or alias says
      int code =
          local
              ? LocalCli.run(arguments, env, outWriter, errWriter)
              : VideohookCli.run(arguments, env, outWriter, errWriter);
      assertEquals(0, code, where + "\n" + out + err);
      if (redirect != null) {
        Files.writeString(redirect, out.toString());
      }
      if (source) {
        Path script = temp.resolve("sourced.sh");
        Files.writeString(script, out.toString());
        Process bash =
            new ProcessBuilder("bash", "-c", "source " + script).redirectErrorStream(true).start();
        assertTrue(bash.waitFor(30, TimeUnit.SECONDS), where);
        String said = new String(bash.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, bash.exitValue(), where + "\n" + said);
      }
    }
  }

  /**
   * The arguments after {@code videohook} or {@code java -jar} and one of the two command-line
   * jars.
   */
  private static Optional<List<String>> cliArguments(List<String> words) {
    if (!words.isEmpty() && words.get(0).equals("videohook")) {
      return Optional.of(words.subList(1, words.size()));
    }
    if (words.size() >= 3
        && words.subList(0, 2).equals(List.of("java", "-jar"))
        && (words.get(2).equals(JAR) || words.get(2).equals(LOCAL_JAR))) {
      return Optional.of(words.subList(3, words.size()));
    }
    return Optional.empty();
  }

  /** The block's command lines: continuations joined, comments and blank lines left out. */
  static List<String> commands(List<String> lines) {
    List<String> commands = new ArrayList<>();
    StringBuilder current = new StringBuilder();
    for (String raw : lines) {
      String line = Shell.stripComment(raw).strip();
      if (line.endsWith("\\")) {
        current.append(line, 0, line.length() - 1).append(' ');
        continue;
      }
      current.append(line);
      if (!current.toString().isBlank()) {
        commands.add(current.toString().strip());
      }
      current.setLength(0);
    }
    return commands;
  }

  private static void awaitStored(JobKey key) throws InterruptedException {
    assertEquals(
        JobStatus.STORED,
        LocalStackExtension.awaitStored(stack, key).status(),
        "the job <jobId> stands for");
  }

  /** The little of sh's word splitting the examples use. */
  static final class Shell {
    private Shell() {}

    /** The line without a {@code #} comment (one that starts a word, outside quotes). */
    static String stripComment(String line) {
      char quote = 0;
      for (int i = 0; i < line.length(); i++) {
        char c = line.charAt(i);
        if (quote != 0) {
          if (c == quote) {
            quote = 0;
          } else if (c == '\\' && quote == '"') {
            i++;
          }
        } else if (c == '\'' || c == '"') {
          quote = c;
        } else if (c == '\\') {
          i++;
        } else if (c == '#' && (i == 0 || Character.isWhitespace(line.charAt(i - 1)))) {
          return line.substring(0, i);
        }
      }
      return line;
    }

    /** Words as sh splits them; {@code >}, {@code <(} and {@code )} are words of their own. */
    static List<String> words(String line) {
      List<String> words = new ArrayList<>();
      StringBuilder word = null;
      for (int i = 0; i < line.length(); i++) {
        char c = line.charAt(i);
        if (Character.isWhitespace(c)) {
          if (word != null) {
            words.add(word.toString());
            word = null;
          }
        } else if (c == '>' && word == null) {
          words.add(">");
        } else if (c == '<' && word == null && i + 1 < line.length() && line.charAt(i + 1) == '(') {
          words.add("<(");
          i++;
        } else if (c == ')' && word != null && words.contains("<(")) {
          words.add(word.toString());
          words.add(")");
          word = null;
        } else {
          if (word == null) {
            word = new StringBuilder();
          }
          if (c == '\'') {
            int close = line.indexOf('\'', i + 1);
            word.append(line, i + 1, close);
            i = close;
          } else if (c == '"') {
            for (i++; line.charAt(i) != '"'; i++) {
              if (line.charAt(i) == '\\' && "\"\\$`".indexOf(line.charAt(i + 1)) >= 0) {
                i++;
              }
              word.append(line.charAt(i));
            }
          } else if (c == '\\' && i + 1 < line.length()) {
            word.append(line.charAt(++i));
          } else {
            word.append(c);
          }
        }
      }
      if (word != null) {
        words.add(word.toString());
      }
      return words;
    }
  }
}
