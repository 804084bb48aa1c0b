package dev.videohook.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The docs name only what exists: every repository path and every Java class (and member) named in
 * backticks, and every relative link, in README.md, ARCHITECTURE.md, BENCHMARKS.md and docs/*.md. A
 * renamed class or a moved folder fails the build until the docs follow it.
 */
class DocsReferencesTest {
  /** Top-level folders whose paths the docs name; target/ is built, not kept, so it is not one. */
  private static final Set<String> REPOSITORY_ROOTS = Set.of("src", "events", "docs", ".ci");

  /**
   * CamelCase names the docs use that are neither our classes nor names in template.yaml or our
   * code's strings: the libraries' and AWS's own types and terms, each checked by hand once.
   */
  private static final Set<String> OUTSIDE_NAMES =
      Set.of(
          // AWS SDK, Lambda and DynamoDB types and API names
          "ConditionalCheckFailedException",
          "ValidationException",
          "DDBStreamBatchInfo",
          "NumberOfMessagesSent",
          "UpdateItem",
          "PutItem",
          "GetItem",
          "PutEvents",
          "ListObjects",
          "ListMultipartUploads",
          "ReturnValuesOnConditionCheckFailure",
          "TransactWriteItems",
          // the SDK's endpoint lookup, which BENCHMARKS.md names for what the artifact keeps
          "AwsClientEndpointProvider",
          "ServiceMetadata",
          // the JDK's errors for a class missing at run time
          "ClassNotFoundException",
          "NoClassDefFoundError",
          // the JDK's HMAC; libraries: OkHttp's DNS hook and mock server, picocli's completion
          "Mac",
          "Dns",
          "MockWebServer",
          "AutoComplete",
          // a prompt of `sam deploy --guided`
          "Capabilities");

  private static final Pattern INLINE_CODE = Pattern.compile("`([^`\n]+)`");
  private static final Pattern LINK = Pattern.compile("\\]\\(([^)#\\s]+)(#[^)]*)?\\)");
  private static final Pattern PATH =
      Pattern.compile("[\\w.-]+(/[\\w.-]+)*/?|[\\w.-]+\\.(md|ya?ml|toml|xml|java|py|html)");
  private static final Pattern CLASS_REFERENCE =
      Pattern.compile("([A-Z][a-z][A-Za-z0-9]*)((?:\\.[A-Za-z_][A-Za-z0-9_]*)*)(\\(.*\\))?");
  private static final Pattern TYPE_DECLARATION =
      Pattern.compile("\\b(?:class|interface|enum|record)\\s+([A-Z][A-Za-z0-9]*)");
  private static final String QUOTED = "\"(?:\\\\.|[^\"\\\\\n])*\"";
  private static final Pattern STRING_LITERAL = Pattern.compile("\"([A-Z][A-Za-z0-9]*)\"");

  /** What the repository holds: its files, its Java types (file text by type), its other names. */
  record Repository(
      Path root, Set<String> fileNames, Map<String, String> typeSources, Set<String> knownNames) {

    static Repository at(Path root) throws IOException {
      Set<String> fileNames = new HashSet<>();
      Map<String, String> typeSources = new HashMap<>();
      Set<String> knownNames = new HashSet<>();
      try (Stream<Path> files = Files.walk(root)) {
        for (Path file :
            files
                .filter(Files::isRegularFile)
                .filter(f -> !root.relativize(f).startsWith("target"))
                .filter(f -> !root.relativize(f).startsWith(".git"))
                .toList()) {
          fileNames.add(file.getFileName().toString());
          if (file.toString().endsWith(".java")) {
            String source = Files.readString(file);
            // declarations only: a string that says "class X" declares nothing
            Matcher type = TYPE_DECLARATION.matcher(source.replaceAll(QUOTED, "\"\""));
            while (type.find()) {
              typeSources.merge(type.group(1), source, (a, b) -> a + "\n" + b);
            }
            Matcher literal = STRING_LITERAL.matcher(source);
            while (literal.find()) {
              knownNames.add(literal.group(1)); // metric names, event fields, ...
            }
          }
        }
      }
      // template resources, parameters, outputs and properties; the POM's and samconfig's names
      for (String config : List.of("template.yaml", "samconfig.toml", "pom.xml")) {
        Matcher word = Pattern.compile("[A-Za-z][A-Za-z0-9]*").matcher(read(root.resolve(config)));
        while (word.find()) {
          knownNames.add(word.group());
        }
      }
      knownNames.addAll(OUTSIDE_NAMES);
      return new Repository(root, fileNames, typeSources, knownNames);
    }
  }

  /**
   * What in {@code markdown} names a path, class or member that {@code repository} lacks. Paths in
   * backticks are from the repository's root; links from {@code folder}, the page's own.
   */
  static List<String> missingReferences(String markdown, Path folder, Repository repository) {
    List<String> missing = new ArrayList<>();
    String prose = markdown.replaceAll("(?s)```.*?```", ""); // code blocks: commands and output
    Matcher code = INLINE_CODE.matcher(prose);
    while (code.find()) {
      String span = code.group(1).strip();
      if (PATH.matcher(span).matches() && (span.contains("/") || span.contains("."))) {
        checkPath(span, repository).ifPresent(missing::add);
      }
      Matcher reference = CLASS_REFERENCE.matcher(span);
      if (reference.matches()) {
        checkClass(reference, repository).ifPresent(missing::add);
      }
    }
    Matcher link = LINK.matcher(prose);
    while (link.find()) {
      String target = link.group(1);
      if (!target.contains("://")
          && !target.startsWith("mailto:")
          && !Files.exists(repository.root().resolve(folder).resolve(target))) {
        missing.add("link " + target);
      }
    }
    return missing;
  }

  private static Optional<String> checkPath(String span, Repository repository) {
    String first = span.split("/")[0];
    if (span.contains("/")) {
      if (REPOSITORY_ROOTS.contains(first) && !Files.exists(repository.root().resolve(span))) {
        return Optional.of("path " + span);
      }
      return Optional.empty(); // an S3 key, a model name, a content type, target/...
    }
    boolean fileName = span.matches(".*\\.(md|ya?ml|toml|xml|java|py|html)");
    if (fileName && !repository.fileNames().contains(span)) {
      return Optional.of("file " + span);
    }
    return Optional.empty();
  }

  private static Optional<String> checkClass(Matcher reference, Repository repository) {
    String type = reference.group(1);
    String source = repository.typeSources().get(type);
    if (source == null) {
      return repository.knownNames().contains(type)
          ? Optional.empty()
          : Optional.of("type " + type);
    }
    for (String member : reference.group(2).split("\\.")) {
      if (!member.isEmpty()
          && !Pattern.compile("\\b" + Pattern.quote(member) + "\\b").matcher(source).find()) {
        return Optional.of("member " + type + "." + member);
      }
    }
    return Optional.empty();
  }

  private static String read(Path file) {
    try {
      return Files.readString(file);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static Path folder(Path doc) {
    return doc.getParent() == null ? Path.of("") : doc.getParent();
  }

  private static List<Path> docs() throws IOException {
    List<Path> docs =
        new ArrayList<>(
            List.of(Path.of("README.md"), Path.of("ARCHITECTURE.md"), Path.of("BENCHMARKS.md")));
    try (Stream<Path> pages = Files.list(Path.of("docs"))) {
      pages.filter(p -> p.toString().endsWith(".md")).sorted().forEach(docs::add);
    }
    return docs;
  }

  @Test
  void everyPathClassAndLinkTheDocsName_exists() throws Exception {
    Repository repository = Repository.at(Path.of(""));
    List<String> missing = new ArrayList<>();
    for (Path doc : docs()) {
      missingReferences(read(doc), folder(doc), repository)
          .forEach(m -> missing.add(doc + ": " + m));
    }
    assertEquals(List.of(), missing, "the docs name what the repository does not hold");
  }

  @Test
  void aStaleClassMemberPathOrLink_isReported() throws Exception {
    Repository repository = Repository.at(Path.of(""));
    String stale =
        "The commit is `JobStore.COMMIT_CONDITION`, checked by `NoSuchHandlerTest`, in"
            + " `src/test/java/dev/videohook/simulator/` (see [the guide](docs/no-such-page.md)).";
    assertEquals(
        List.of(
            "member JobStore.COMMIT_CONDITION",
            "type NoSuchHandlerTest",
            "path src/test/java/dev/videohook/simulator/",
            "link docs/no-such-page.md"),
        missingReferences(stale, Path.of(""), repository));
  }

  @Test
  void namesThatAreNotOurs_areLeftAlone() throws Exception {
    Repository repository = Repository.at(Path.of(""));
    String outside =
        "A key `acme/openrouter/job_1/0.mp4`, a model `google/veo-3.1-lite`, a type `video/mp4`,"
            + " a built file `target/local.env`, a template resource `WebhookFunction`, a member"
            + " `JobStore.recordSubmitted`, a call `Faults.none()`, an env var `JOBS_TABLE`.";
    assertEquals(List.of(), missingReferences(outside, Path.of(""), repository));
  }
}
