package dev.videohook.deploy;

import static dev.videohook.deploy.CloudFormationTemplate.at;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.jr.ob.JSON;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** The tenant loops written out, as AWS::LanguageExtensions does before the SAM transform. */
class TemplateExpansionTest {
  /** Written for .ci/lint-template: cfn-lint from npm does not know Fn::ForEach. */
  static final Path EXPANDED = Path.of("target", "template-expanded.json");

  @Test
  void defaultTenant_shouldGetAStageTwoSecretsAndTwoCallbackUrls_writtenOutForTheLinter()
      throws Exception {
    CloudFormationTemplate template = CloudFormationTemplate.load(Path.of("template.yaml"));
    Map<String, Object> expanded = template.expanded(Map.of());

    assertEquals(
        Set.of("demoStage", "demoopenrouterSecret", "demomodelgatesSecret"),
        generated(expanded, "Resources"));
    assertEquals(
        Set.of("demoopenrouterCallbackUrl", "demomodelgatesCallbackUrl"),
        generated(expanded, "Outputs"));
    assertEquals(
        Map.of("Fn::Sub", "${TenantSecretsPrefix}/demo/openrouter"),
        at(expanded, "Resources", "demoopenrouterSecret", "Properties", "Name"));
    assertEquals("demo", at(expanded, "Resources", "demoStage", "Properties", "StageName"));
    assertEquals("AWS::Serverless-2016-10-31", expanded.get("Transform"));

    Files.createDirectories(EXPANDED.getParent());
    Files.writeString(EXPANDED, JSON.std.with(JSON.Feature.PRETTY_PRINT_OUTPUT).asString(expanded));
  }

  @Test
  void tenantNames_withDashesAndUnderscores_shouldGiveDistinctLogicalIds() throws Exception {
    CloudFormationTemplate template = CloudFormationTemplate.load(Path.of("template.yaml"));
    Map<String, Object> expanded = template.expanded(Map.of("Tenants", "acme-eu,globex_2,initech"));

    Set<String> stages =
        generated(expanded, "Resources").stream()
            .filter(id -> id.endsWith("Stage"))
            .collect(Collectors.toSet());
    assertEquals(Set.of("acmeeuStage", "globex2Stage", "initechStage"), stages);
    assertEquals(6, generated(expanded, "Outputs").size());
    assertEquals("acme-eu", at(expanded, "Resources", "acmeeuStage", "Properties", "StageName"));
    assertTrue(
        ((String) at(expanded, "Outputs", "globex2modelgatesCallbackUrl", "Value", "Fn::Sub"))
            .endsWith("/globex_2/modelgates/video-webhook"));
  }

  /** Entries that the loops made (those not written out in template.yaml). */
  private static Set<String> generated(Map<String, Object> expanded, String section)
      throws Exception {
    Map<String, Object> original =
        CloudFormationTemplate.load(Path.of("template.yaml")).section(section);
    Set<String> ids = new TreeSet<>(CloudFormationTemplate.map(expanded.get(section)).keySet());
    ids.removeAll(original.keySet());
    return ids;
  }
}
