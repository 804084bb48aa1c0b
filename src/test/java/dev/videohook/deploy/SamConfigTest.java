package dev.videohook.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.videohook.provider.Tenants;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * samconfig.toml: every SAM CLI command of every environment expands the template's language
 * extensions locally, deploys with the capabilities the transforms need, and names tenants the
 * template accepts.
 */
class SamConfigTest {
  /** The commands that read template.yaml (aws-sam-cli's --language-extensions flag, PR 9033). */
  static final List<String> TEMPLATE_COMMANDS =
      List.of(
          "build",
          "validate",
          "package",
          "deploy",
          "sync",
          "local_invoke",
          "local_start_api",
          "local_start_lambda");

  private static final Pattern SECTION =
      Pattern.compile("^\\[([^.\\]]+)\\.([^.\\]]+)\\.parameters]$");
  private static final Pattern ENTRY = Pattern.compile("^([a-z0-9_]+)\\s*=\\s*(.+)$");
  private static final Pattern OVERRIDE = Pattern.compile("(\\w+)=\\\\\"([^\\\\]*)\\\\\"");

  /** environment -> command -> key -> raw value (strings keep their quotes). */
  static Map<String, Map<String, Map<String, String>>> load() throws Exception {
    Map<String, Map<String, Map<String, String>>> config = new LinkedHashMap<>();
    Map<String, String> current = null;
    for (String raw : Files.readAllLines(Path.of("samconfig.toml"))) {
      String line = raw.strip();
      if (line.isEmpty() || line.startsWith("#") || line.startsWith("version")) {
        continue;
      }
      Matcher section = SECTION.matcher(line);
      Matcher entry = ENTRY.matcher(line);
      if (section.matches()) {
        current = new LinkedHashMap<>();
        config
            .computeIfAbsent(section.group(1), e -> new LinkedHashMap<>())
            .put(section.group(2), current);
      } else if (entry.matches() && current != null) {
        current.put(entry.group(1), entry.group(2));
      } else {
        throw new AssertionError("samconfig.toml: a line this test cannot read: " + raw);
      }
    }
    return config;
  }

  @Test
  void everyCommandOfEveryEnvironment_shouldExpandLanguageExtensionsLocally() throws Exception {
    Map<String, Map<String, Map<String, String>>> config = load();
    assertEquals(Set.of("default", "staging"), config.keySet());
    for (var environment : config.entrySet()) {
      for (String command : TEMPLATE_COMMANDS) {
        Map<String, String> parameters = environment.getValue().get(command);
        assertTrue(
            parameters != null && "true".equals(parameters.get("language_extensions")),
            environment.getKey() + "." + command + " needs language_extensions = true");
      }
    }
  }

  @Test
  void deploy_shouldAcknowledgeIamAndTheTransforms_andConfirmTheChangeSet() throws Exception {
    for (var environment : load().entrySet()) {
      Map<String, String> deploy = environment.getValue().get("deploy");
      String capabilities = deploy.get("capabilities");
      assertTrue(
          capabilities.contains("CAPABILITY_IAM")
              && capabilities.contains("CAPABILITY_AUTO_EXPAND"),
          environment.getKey() + ": " + capabilities);
      assertEquals("true", deploy.get("confirm_changeset"), environment.getKey());
      assertFalse(
          environment.getValue().get("global").get("stack_name").isBlank(), environment.getKey());
    }
  }

  @Test
  void tenantsOfEachEnvironment_shouldBeAcceptedByTheTemplate_atMostNine() throws Exception {
    CloudFormationTemplate template = CloudFormationTemplate.load(Path.of("template.yaml"));
    Pattern allowed =
        Pattern.compile(
            (String)
                CloudFormationTemplate.at(
                    template.section("Parameters"), "Tenants", "AllowedPattern"));
    for (var environment : load().entrySet()) {
      Map<String, String> overrides = new LinkedHashMap<>();
      Matcher m = OVERRIDE.matcher(environment.getValue().get("deploy").get("parameter_overrides"));
      while (m.find()) {
        overrides.put(m.group(1), m.group(2));
      }
      List<String> tenants = List.of(overrides.get("Tenants").split(","));
      assertTrue(tenants.size() <= TemplateContractTest.MAX_TENANTS, environment.getKey());
      assertEquals(tenants.size(), new TreeSet<>(tenants).size(), environment.getKey());
      tenants.forEach(
          t -> assertTrue(allowed.matcher(t).matches(), environment.getKey() + ": tenant " + t));
      tenants.forEach(
          t -> assertTrue(Tenants.isDeployable(t), environment.getKey() + ": tenant " + t));
      assertTrue(
          template.section("Parameters").keySet().containsAll(overrides.keySet()),
          environment.getKey()
              + ": overrides of parameters the template does not have: "
              + overrides);
    }
  }

  /**
   * An override is a value someone will deploy: an address at a domain reserved for examples (RFC
   * 2606) would subscribe nobody to the alarms, and nobody would confirm it.
   */
  @Test
  void overrides_shouldHoldNoPlaceholderAddress() throws Exception {
    Pattern placeholder = Pattern.compile("@example\\.(com|org|net)\\b|@example\\b");
    for (var environment : load().entrySet()) {
      environment
          .getValue()
          .forEach(
              (command, entries) ->
                  entries.forEach(
                      (key, value) ->
                          assertFalse(
                              placeholder.matcher(value).find(),
                              environment.getKey() + "." + command + "." + key + ": " + value)));
    }
  }

  @Test
  void firstDeploy_shouldNameOnlyTheParametersWithoutASafeDefault_samconfigGivingTheRest()
      throws Exception {
    CloudFormationTemplate template = CloudFormationTemplate.load(Path.of("template.yaml"));
    for (var parameter : template.section("Parameters").entrySet()) {
      assertTrue(
          CloudFormationTemplate.map(parameter.getValue()).containsKey("Default"),
          parameter.getKey() + " needs a Default (or a place in the group without one)");
    }
    Object groups =
        CloudFormationTemplate.at(
            template.section("Metadata"), "AWS::CloudFormation::Interface", "ParameterGroups");
    Set<Object> noSafeDefault =
        Set.copyOf(
            CloudFormationTemplate.list(
                CloudFormationTemplate.at(
                    CloudFormationTemplate.list(groups).get(0), "Parameters")));

    Matcher command =
        Pattern.compile("(?m)^sam deploy --parameter-overrides (.+)$")
            .matcher(Files.readString(Path.of("docs/deploy.md")));
    assertTrue(command.find(), "docs/deploy.md: the first deploy, without --guided");
    Set<Object> named = new TreeSet<>();
    Matcher name = Pattern.compile("(\\w+)=").matcher(command.group(1));
    while (name.find()) {
      named.add(name.group(1));
    }
    assertEquals(new TreeSet<>(noSafeDefault), named);

    // what a deploy without --guided takes from samconfig.toml instead of asking
    Map<String, Map<String, String>> defaults = load().get("default");
    assertTrue(defaults.get("global").containsKey("stack_name"));
    Map<String, String> deploy = defaults.get("deploy");
    assertEquals("true", deploy.get("resolve_s3"));
    assertEquals("true", deploy.get("confirm_changeset"));
    assertTrue(
        deploy.get("capabilities").contains("CAPABILITY_IAM")
            && deploy.get("capabilities").contains("CAPABILITY_AUTO_EXPAND"));
  }
}
