package dev.videohook.deploy;

import static dev.videohook.deploy.CloudFormationTemplate.at;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** The tenant loops written out, as AWS::LanguageExtensions does before the SAM transform. */
class TemplateExpansionTest {
  @Test
  void defaultTenant_shouldGetAStageFourSecretsAndTwoCallbackUrls() throws Exception {
    CloudFormationTemplate template = CloudFormationTemplate.load(Path.of("template.yaml"));
    Map<String, Object> expanded = template.expanded(Map.of());

    assertEquals(
        Set.of(
            "demoStage",
            "demoopenrouterWebhookSecret",
            "demoopenrouterApiKeySecret",
            "demomodelgatesWebhookSecret",
            "demomodelgatesApiKeySecret"),
        generated(expanded, "Resources"));
    assertEquals(
        Set.of("demoopenrouterCallbackUrl", "demomodelgatesCallbackUrl"),
        generated(expanded, "Outputs"));
    assertEquals(
        Map.of("Fn::Sub", "${TenantSecretsPrefix}/demo/openrouter/webhook"),
        at(expanded, "Resources", "demoopenrouterWebhookSecret", "Properties", "Name"));
    assertEquals(
        Map.of("Fn::Sub", "${TenantSecretsPrefix}/demo/openrouter/api-key"),
        at(expanded, "Resources", "demoopenrouterApiKeySecret", "Properties", "Name"));
    assertEquals("demo", at(expanded, "Resources", "demoStage", "Properties", "StageName"));
    assertEquals("AWS::Serverless-2016-10-31", expanded.get("Transform"));
  }

  @Test
  void nineTenants_shouldGiveDistinctLogicalIds_eachItsOwnName() throws Exception {
    CloudFormationTemplate template = CloudFormationTemplate.load(Path.of("template.yaml"));
    String tenants = "acme,globex2,initech,umbrella,hooli,soylent,tyrell,wonka,stark";
    Map<String, Object> expanded = template.expanded(Map.of("Tenants", tenants));

    Set<String> stages =
        generated(expanded, "Resources").stream()
            .filter(id -> id.endsWith("Stage"))
            .collect(Collectors.toSet());
    assertEquals(9, stages.size());
    assertEquals(9 * 2, generated(expanded, "Outputs").size());
    assertEquals("globex2", at(expanded, "Resources", "globex2Stage", "Properties", "StageName"));
    assertTrue(
        ((String) at(expanded, "Outputs", "globex2modelgatesCallbackUrl", "Value", "Fn::Sub"))
            .endsWith("/globex2/modelgates/video-webhook"));
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
