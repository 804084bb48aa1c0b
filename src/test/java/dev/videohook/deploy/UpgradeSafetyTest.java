package dev.videohook.deploy;

import static dev.videohook.deploy.CloudFormationTemplate.list;
import static dev.videohook.deploy.CloudFormationTemplate.map;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * template.yaml updates a stack deployed from the last release (the newest {@code v*} tag) without
 * a change CloudFormation refuses or one that replaces a resource holding data; and the check
 * itself refuses each such change, made to today's template.
 */
class UpgradeSafetyTest {
  private static final Path TEMPLATE = Path.of("template.yaml");

  @Test
  void template_shouldUpdateAStackDeployedFromTheLastRelease() throws Exception {
    String tag =
        git("tag", "--list", "v*", "--sort=-v:refname", "--merged", "HEAD")
            .lines()
            .findFirst()
            .orElse("");
    // a clone made without tags has no release to compare with: said, not silently passed
    Assumptions.assumeFalse(
        tag.isEmpty(), "no v* release tag in this clone (git fetch --tags): upgrade check not run");
    CloudFormationTemplate released =
        CloudFormationTemplate.parse(git("show", tag + ":template.yaml"));
    assertEquals(
        List.of(),
        TemplateUpgrade.problems(released, CloudFormationTemplate.load(TEMPLATE)),
        "template.yaml against " + tag);
  }

  @Test
  void sameTemplate_shouldBeASafeUpdate() throws Exception {
    assertEquals(List.of(), TemplateUpgrade.problems(current(), current()));
  }

  @Test
  void indexProjectionFromAllToInclude_shouldBeRefused() throws Exception {
    CloudFormationTemplate before =
        changed(t -> index(t, "by_status").put("Projection", Map.of("ProjectionType", "ALL")));
    assertRefused(before, current(), "by_status: its Projection changes");
  }

  @Test
  void attributeAddedToAnIndexProjection_shouldBeRefused() throws Exception {
    CloudFormationTemplate after =
        changed(
            t -> {
              Map<String, Object> projection = map(index(t, "by_tenant").get("Projection"));
              List<Object> attributes = new ArrayList<>(list(projection.get("NonKeyAttributes")));
              attributes.add("lease_owner");
              projection.put("NonKeyAttributes", attributes);
            });
    assertRefused(current(), after, "by_tenant: its Projection changes");
  }

  @Test
  void indexKeyChange_shouldBeRefused() throws Exception {
    CloudFormationTemplate after =
        changed(
            t ->
                index(t, "by_status")
                    .put(
                        "KeySchema",
                        List.of(Map.of("AttributeName", "status", "KeyType", "HASH"))));
    assertRefused(current(), after, "by_status: its KeySchema changes");
  }

  @Test
  void twoIndexesCreatedInOneUpdate_shouldBeRefused() throws Exception {
    CloudFormationTemplate after =
        changed(
            t -> {
              List<Object> indexes = indexes(t);
              for (String name : List.of("by_expiry", "by_owner")) {
                Map<String, Object> index = new LinkedHashMap<>(map(indexes.get(0)));
                index.put("IndexName", name);
                indexes.add(index);
              }
            });
    assertRefused(current(), after, "one update may create or delete one global secondary index");
  }

  @Test
  void oneIndexCreated_shouldBeASafeUpdate() throws Exception {
    CloudFormationTemplate after =
        changed(
            t -> {
              Map<String, Object> index = new LinkedHashMap<>(map(indexes(t).get(0)));
              index.put("IndexName", "by_tenant_v2");
              indexes(t).add(index);
            });
    assertEquals(List.of(), TemplateUpgrade.problems(current(), after));
  }

  @Test
  void tableKeyChange_shouldBeRefused() throws Exception {
    CloudFormationTemplate after =
        changed(
            t ->
                table(t)
                    .put(
                        "KeySchema",
                        List.of(Map.of("AttributeName", "tenant", "KeyType", "HASH"))));
    assertRefused(current(), after, "JobsTable.KeySchema changes");
  }

  @Test
  void secretRename_shouldBeRefused() throws Exception {
    String text = Files.readString(TEMPLATE, StandardCharsets.UTF_8);
    assertTrue(text.contains("${Provider}/webhook\""));
    CloudFormationTemplate renamed =
        CloudFormationTemplate.parse(
            text.replace("${Provider}/webhook\"", "${Provider}/webhook-secret\""));
    assertRefused(
        current(),
        renamed,
        ".Name changes: CloudFormation replaces the AWS::SecretsManager::Secret");
  }

  @Test
  void bucketRemoved_shouldBeRefused() throws Exception {
    CloudFormationTemplate after = changed(t -> t.section("Resources").remove("VideoBucket"));
    assertRefused(current(), after, "VideoBucket (AWS::S3::Bucket) is removed");
  }

  private static void assertRefused(
      CloudFormationTemplate before, CloudFormationTemplate after, String expected) {
    List<String> problems = TemplateUpgrade.problems(before, after);
    assertTrue(problems.stream().anyMatch(p -> p.contains(expected)), problems.toString());
  }

  private static CloudFormationTemplate current() throws IOException {
    return CloudFormationTemplate.load(TEMPLATE);
  }

  private static CloudFormationTemplate changed(Consumer<CloudFormationTemplate> change)
      throws IOException {
    CloudFormationTemplate template = current();
    change.accept(template);
    return template;
  }

  private static Map<String, Object> table(CloudFormationTemplate t) {
    return t.properties("JobsTable");
  }

  private static List<Object> indexes(CloudFormationTemplate t) {
    return list(table(t).get("GlobalSecondaryIndexes"));
  }

  private static Map<String, Object> index(CloudFormationTemplate t, String name) {
    return indexes(t).stream()
        .map(CloudFormationTemplate::map)
        .filter(i -> name.equals(i.get("IndexName")))
        .findFirst()
        .orElseThrow();
  }

  private static String git(String... args) throws IOException, InterruptedException {
    List<String> command = new ArrayList<>(List.of("git"));
    command.addAll(List.of(args));
    Process git = new ProcessBuilder(command).redirectErrorStream(true).start();
    String out = new String(git.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (git.waitFor() != 0) {
      throw new AssertionError(
          String.join(" ", command)
              + " failed: "
              + out
              + "(the upgrade check compares with the last release tag; fetch tags with `git"
              + " fetch --tags`)");
    }
    return out;
  }
}
