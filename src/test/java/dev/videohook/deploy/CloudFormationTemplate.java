package dev.videohook.deploy;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.AbstractConstruct;
import org.yaml.snakeyaml.constructor.SafeConstructor;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.SequenceNode;
import org.yaml.snakeyaml.nodes.Tag;

/**
 * template.yaml as plain maps and lists, CloudFormation's short tags turned into their long form
 * ({@code !Ref X} becomes {@code {Ref: X}}, {@code !GetAtt A.B} becomes {@code {Fn::GetAtt: [A,
 * B]}}).
 */
final class CloudFormationTemplate {
  private static final Set<String> FUNCTIONS =
      Set.of(
          "Base64",
          "Cidr",
          "FindInMap",
          "GetAtt",
          "GetAZs",
          "ImportValue",
          "Join",
          "Select",
          "Split",
          "Sub",
          "Transform",
          "And",
          "Equals",
          "If",
          "Not",
          "Or",
          "ToJsonString",
          "Length",
          "Contains");
  private static final Pattern SUB_VARIABLE = Pattern.compile("\\$\\{([^!}][^}]*)}");

  final Map<String, Object> root;

  CloudFormationTemplate(Map<String, Object> root) {
    this.root = root;
  }

  static CloudFormationTemplate load(Path path) throws IOException {
    try (Reader reader = Files.newBufferedReader(path, StandardCharsets.UTF_8)) {
      return new CloudFormationTemplate(new Yaml(new ShortTags()).load(reader));
    }
  }

  /** A template from its text (another version's, read from git). */
  static CloudFormationTemplate parse(String text) {
    return new CloudFormationTemplate(new Yaml(new ShortTags()).load(text));
  }

  Map<String, Object> section(String name) {
    return map(root.getOrDefault(name, Map.of()));
  }

  /** A resource by logical id, or null. */
  Map<String, Object> resource(String logicalId) {
    Object resource = section("Resources").get(logicalId);
    return resource == null ? null : map(resource);
  }

  String type(String logicalId) {
    Map<String, Object> resource = resource(logicalId);
    return resource == null ? null : (String) resource.get("Type");
  }

  /** Logical ids of the resources of one type (those written out, not those Fn::ForEach makes). */
  List<String> resourcesOfType(String type) {
    List<String> ids = new ArrayList<>();
    section("Resources")
        .forEach(
            (id, resource) -> {
              if (!id.startsWith("Fn::ForEach::") && type.equals(map(resource).get("Type"))) {
                ids.add(id);
              }
            });
    return ids;
  }

  /** The {@code Properties} of a resource, empty if it has none. */
  Map<String, Object> properties(String logicalId) {
    return map(resource(logicalId).getOrDefault("Properties", Map.of()));
  }

  // ------------------------------------------------------------------ Fn::ForEach

  /**
   * The template as AWS::LanguageExtensions would hand it to the SAM transform: every {@code
   * Fn::ForEach} loop in Resources and Outputs written out, the collections given by {@code
   * parameters} or else by the parameters' defaults. For tools that do not know Fn::ForEach.
   */
  Map<String, Object> expanded(Map<String, String> parameters) {
    Map<String, Object> copy = new LinkedHashMap<>(root);
    List<Object> transforms = new ArrayList<>(list(root.get("Transform")));
    transforms.remove("AWS::LanguageExtensions");
    copy.put("Transform", transforms.size() == 1 ? transforms.get(0) : transforms);
    for (String section : List.of("Resources", "Outputs")) {
      if (root.containsKey(section)) {
        copy.put(section, expandLoops(section(section), parameters));
      }
    }
    return copy;
  }

  private Map<String, Object> expandLoops(
      Map<String, Object> entries, Map<String, String> parameters) {
    Map<String, Object> out = new LinkedHashMap<>();
    entries.forEach(
        (key, value) -> {
          if (!key.startsWith("Fn::ForEach::")) {
            out.put(key, value);
            return;
          }
          List<Object> loop = list(value);
          String identifier = (String) loop.get(0);
          for (String item : collection(loop.get(1), parameters)) {
            Map<String, Object> body = map(substitute(loop.get(2), identifier, item));
            expandLoops(body, parameters)
                .forEach(
                    (id, fragment) -> {
                      if (out.put(id, fragment) != null) {
                        throw new AssertionError("Fn::ForEach makes " + id + " twice");
                      }
                    });
          }
        });
    return out;
  }

  private List<String> collection(Object value, Map<String, String> parameters) {
    if (value instanceof Map<?, ?> m && m.containsKey("Ref")) {
      String name = (String) m.get("Ref");
      String given = parameters.get(name);
      String text =
          given != null ? given : String.valueOf(at(section("Parameters"), name, "Default"));
      return List.of(text.split(","));
    }
    return list(value).stream().map(String::valueOf).toList();
  }

  /**
   * A loop body for one item: keys and Sub strings get ${id} and &{id}, and Ref id becomes the
   * item.
   */
  private static Object substitute(Object value, String identifier, String item) {
    if (value instanceof Map<?, ?> m) {
      if (m.size() == 1 && identifier.equals(m.get("Ref"))) {
        return item;
      }
      Map<String, Object> out = new LinkedHashMap<>();
      m.forEach(
          (k, v) ->
              out.put(
                  substituteText((String) k, identifier, item), substitute(v, identifier, item)));
      return out;
    }
    if (value instanceof List<?> l) {
      return l.stream().map(v -> substitute(v, identifier, item)).toList();
    }
    if (value instanceof String text) {
      return substituteText(text, identifier, item);
    }
    return value;
  }

  private static String substituteText(String text, String identifier, String item) {
    return text.replace("${" + identifier + "}", item)
        .replace("&{" + identifier + "}", item.replaceAll("[^A-Za-z0-9]", ""));
  }

  // ------------------------------------------------------------------ navigation

  @SuppressWarnings("unchecked")
  static Map<String, Object> map(Object value) {
    if (!(value instanceof Map)) {
      throw new AssertionError("expected a mapping, got " + value);
    }
    return (Map<String, Object>) value;
  }

  @SuppressWarnings("unchecked")
  static List<Object> list(Object value) {
    if (value instanceof List) {
      return (List<Object>) value;
    }
    // IAM and SAM take a single value where they take a list
    return value == null ? List.of() : List.of(value);
  }

  /** The value at a path of mapping keys, or null where the path ends early. */
  static Object at(Object value, String... keys) {
    Object current = value;
    for (String key : keys) {
      if (!(current instanceof Map<?, ?> m)) {
        return null;
      }
      current = m.get(key);
    }
    return current;
  }

  static Map<String, Object> ref(String name) {
    return Map.of("Ref", name);
  }

  static Map<String, Object> getAtt(String logicalId, String attribute) {
    return Map.of("Fn::GetAtt", List.of(logicalId, attribute));
  }

  /** Whether a value (an intrinsic function, a Sub string, a list of them) names a resource. */
  static boolean refersTo(Object value, String logicalId) {
    return names(value).stream()
        .anyMatch(n -> n.equals(logicalId) || n.startsWith(logicalId + "."));
  }

  /** Every name a value refers to: Ref targets, GetAtt resources, ${…} in Sub strings. */
  static List<String> names(Object value) {
    List<String> names = new ArrayList<>();
    collectNames(value, names);
    return names;
  }

  private static void collectNames(Object value, List<String> names) {
    if (value instanceof Map<?, ?> m) {
      if (m.size() == 1 && m.containsKey("Ref")) {
        names.add(String.valueOf(m.get("Ref")));
        return;
      }
      if (m.size() == 1 && m.containsKey("Fn::GetAtt")) {
        List<Object> target = list(m.get("Fn::GetAtt"));
        names.add(target.get(0) + "." + target.get(1));
        return;
      }
      if (m.size() == 1 && m.containsKey("Fn::Sub")) {
        Object sub = m.get("Fn::Sub");
        String text = sub instanceof List<?> l ? (String) l.get(0) : (String) sub;
        Matcher matcher = SUB_VARIABLE.matcher(text);
        while (matcher.find()) {
          names.add(matcher.group(1));
        }
        if (sub instanceof List<?> l && l.size() > 1) {
          collectNames(l.get(1), names);
        }
        return;
      }
      m.values().forEach(v -> collectNames(v, names));
    } else if (value instanceof List<?> l) {
      l.forEach(v -> collectNames(v, names));
    }
  }

  /** SnakeYAML's safe constructor plus CloudFormation's short tags. */
  private static final class ShortTags extends SafeConstructor {
    ShortTags() {
      super(new LoaderOptions());
      yamlConstructors.put(new Tag("!Ref"), new LongForm("Ref"));
      yamlConstructors.put(new Tag("!Condition"), new LongForm("Condition"));
      for (String function : FUNCTIONS) {
        yamlConstructors.put(new Tag("!" + function), new LongForm("Fn::" + function));
      }
    }

    private final class LongForm extends AbstractConstruct {
      private final String name;

      LongForm(String name) {
        this.name = name;
      }

      @Override
      public Object construct(Node node) {
        Object value;
        if (node instanceof ScalarNode scalar) {
          String text = constructScalar(scalar);
          value = name.equals("Fn::GetAtt") ? List.of(text.split("\\.", 2)) : text;
        } else if (node instanceof SequenceNode sequence) {
          value = constructSequence(sequence);
        } else {
          value = constructMapping((MappingNode) node);
        }
        Map<String, Object> longForm = new LinkedHashMap<>();
        longForm.put(name, value);
        return longForm;
      }
    }
  }
}
