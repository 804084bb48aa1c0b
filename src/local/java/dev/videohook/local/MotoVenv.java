package dev.videohook.local;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Where the configured interpreter has no moto: a virtual environment of its own (default {@value
 * #DEFAULT_DIR}) with the pinned {@code moto[server]} installed once, when a package index is
 * reachable. pip is told to give up quickly ({@code --timeout 5 --retries 0}), so that without an
 * index the local stack stops at once with one message naming the command to run, never hangs.
 */
final class MotoVenv {
  private static final Logger LOG = LoggerFactory.getLogger(MotoVenv.class);

  /** Where the virtual environment goes; {@value #DEFAULT_DIR} by default. */
  static final String DIR_ENV = "VIDEOHOOK_MOTO_VENV";

  static final String DEFAULT_DIR = "target/moto-venv";

  private static final long VENV_SECONDS = 120;
  private static final long CHECK_SECONDS = 60;
  private static final long INSTALL_SECONDS = 600;

  private MotoVenv() {}

  /**
   * The virtual environment's interpreter, with moto in it.
   *
   * @param python the configured interpreter, which has no moto
   * @param environment {@value #DIR_ENV}, and pip's own settings ({@code PIP_*}) passed on to it
   * @param missing why {@code python} has no moto, for the message
   * @throws MotoServer.MotoException naming the command to run when either step fails
   */
  static String python(String python, Map<String, String> environment, String missing) {
    Path dir = Path.of(environment.getOrDefault(DIR_ENV, DEFAULT_DIR)).toAbsolutePath();
    Path venvPython = dir.resolve("bin").resolve("python");
    String why = python + " has no moto (" + missing + ")";
    if (!Files.isExecutable(venvPython)) {
      LOG.info("{}: making a virtual environment for it in {}", why, dir);
      Result made = run(List.of(python, "-m", "venv", dir.toString()), environment, VENV_SECONDS);
      if (!made.ok()) {
        throw new MotoServer.MotoException(
            why
                + ", and a virtual environment could not be made in "
                + dir
                + " ("
                + made.lastLine()
                + "). "
                + todo(python));
      }
    }
    if (run(List.of(venvPython.toString(), "-c", "import moto.server"), environment, CHECK_SECONDS)
        .ok()) {
      return venvPython.toString();
    }
    LOG.info("installing {} into {}, once", MotoServer.MOTO_REQUIREMENT, dir);
    Result installed =
        run(
            List.of(
                venvPython.toString(),
                "-m",
                "pip",
                "install",
                "--disable-pip-version-check",
                "--timeout",
                "5",
                "--retries",
                "0",
                MotoServer.MOTO_REQUIREMENT),
            environment,
            INSTALL_SECONDS);
    if (!installed.ok()) {
      throw new MotoServer.MotoException(
          why
              + ", and installing "
              + MotoServer.MOTO_REQUIREMENT
              + " into "
              + dir
              + " failed (is a package index reachable? pip said: "
              + installed.lastLine()
              + "). "
              + todo(python));
    }
    return venvPython.toString();
  }

  private static String todo(String python) {
    return "Run `"
        + MotoServer.installCommand(python)
        + "` where a package index is reachable, or set "
        + MotoServer.PYTHON_ENV
        + " to a Python that has moto.";
  }

  private record Result(boolean ok, String lastLine) {}

  private static Result run(List<String> command, Map<String, String> environment, long seconds) {
    Path output;
    try {
      output = Files.createTempFile("moto-venv-", ".log");
    } catch (IOException e) {
      return new Result(false, e.toString());
    }
    try {
      ProcessBuilder builder =
          new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(output.toFile());
      environment.forEach(
          (name, value) -> {
            if (name.startsWith("PIP_")) {
              builder.environment().put(name, value);
            }
          });
      Process process = builder.start();
      process.getOutputStream().close();
      if (!process.waitFor(seconds, TimeUnit.SECONDS)) {
        process.destroyForcibly();
        return new Result(false, "gave up after " + seconds + " s");
      }
      return new Result(process.exitValue() == 0, lastLine(output));
    } catch (IOException e) {
      return new Result(false, e.getMessage());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return new Result(false, "interrupted");
    } finally {
      try {
        Files.deleteIfExists(output);
      } catch (IOException ignored) {
        // a temporary file left behind
      }
    }
  }

  private static String lastLine(Path output) throws IOException {
    List<String> lines = new ArrayList<>();
    for (String line : Files.readAllLines(output, StandardCharsets.UTF_8)) {
      if (!line.isBlank()) {
        lines.add(line.strip());
      }
    }
    return lines.isEmpty() ? "no output" : lines.get(lines.size() - 1);
  }
}
