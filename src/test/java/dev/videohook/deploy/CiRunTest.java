package dev.videohook.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/** CI proves what the README promises: .ci/run runs every test command the README gives. */
class CiRunTest {

  /** The mvn commands of README.md's "Run the tests" code block, their comments left off. */
  static List<String> readmeTestCommands() throws Exception {
    String readme = Files.readString(Path.of("README.md"));
    int section = readme.indexOf("## Run the tests");
    int start = readme.indexOf("```sh\n", section) + "```sh\n".length();
    String block = readme.substring(start, readme.indexOf("```", start));
    return block
        .lines()
        .map(line -> line.replaceFirst("#.*", "").strip())
        .filter(line -> line.startsWith("mvn "))
        .toList();
  }

  @Test
  void ciRunsEveryTestCommandTheReadmeGives_soakRunsIncluded() throws Exception {
    List<String> commands = readmeTestCommands();
    assertEquals(List.of("mvn verify", "mvn -Psoak test"), commands, "README's test commands");
    List<String> ciLines =
        Files.readAllLines(Path.of(".ci/run")).stream().map(String::strip).toList();
    for (String command : commands) {
      // the command as given, or sized by system properties alone (-Dname=value ...)
      assertTrue(
          ciLines.stream()
              .anyMatch(
                  line ->
                      line.equals(command)
                          || (line.startsWith(command + " ")
                              && line.substring(command.length())
                                  .strip()
                                  .matches("(-D\\S+=\\S+\\s*)+"))),
          ".ci/run does not run `" + command + "`");
    }
  }
}
