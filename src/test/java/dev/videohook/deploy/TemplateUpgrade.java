package dev.videohook.deploy;

import static dev.videohook.deploy.CloudFormationTemplate.list;
import static dev.videohook.deploy.CloudFormationTemplate.map;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;

/**
 * What an update from one template to the next would do to the stack's state, as CloudFormation
 * would: the changes it refuses and the ones that replace a resource holding data. A stack deployed
 * from {@code before} must update to {@code after} with its jobs, videos and secrets in place.
 *
 * <ul>
 *   <li>DynamoDB changes an existing index's throughput only: a global secondary index whose key or
 *       projection changes under the same name fails the update ("Cannot update GSI's properties
 *       other than Provisioned Throughput and Contributor Insights Specification"), and one update
 *       creates or deletes at most one global secondary index.
 *   <li>A table's name, key schema or local indexes, a bucket's name and a secret's name are
 *       properties whose change replaces the resource (a new, empty table or bucket; a secret
 *       without its value).
 *   <li>A stateful resource that disappears, or changes type, is deleted or orphaned.
 * </ul>
 *
 * Both templates are compared with their Fn::ForEach loops written out for the same tenants.
 */
final class TemplateUpgrade {
  private static final Map<String, Set<String>> REPLACING_PROPERTIES =
      Map.of(
          "AWS::DynamoDB::Table", Set.of("TableName", "KeySchema", "LocalSecondaryIndexes"),
          "AWS::S3::Bucket", Set.of("BucketName"),
          "AWS::SecretsManager::Secret", Set.of("Name"));

  private static final Map<String, String> TENANTS = Map.of("Tenants", "acme,globex");

  private TemplateUpgrade() {}

  /**
   * Each problem in one line, naming the resource and what to do; empty when the update is safe.
   */
  static List<String> problems(CloudFormationTemplate before, CloudFormationTemplate after) {
    Map<String, Object> old = map(before.expanded(TENANTS).get("Resources"));
    Map<String, Object> now = map(after.expanded(TENANTS).get("Resources"));
    List<String> problems = new ArrayList<>();
    old.forEach(
        (id, resource) -> {
          String type = (String) map(resource).get("Type");
          if (!REPLACING_PROPERTIES.containsKey(type)) {
            return;
          }
          Object next = now.get(id);
          if (next == null || !type.equals(map(next).get("Type"))) {
            problems.add(id + " (" + type + ") is removed or changes type: its data stays behind");
            return;
          }
          Map<String, Object> was = properties(resource);
          Map<String, Object> is = properties(next);
          for (String property : new TreeSet<>(REPLACING_PROPERTIES.get(type))) {
            if (!Objects.equals(was.get(property), is.get(property))) {
              problems.add(id + "." + property + " changes: CloudFormation replaces the " + type);
            }
          }
          if (type.equals("AWS::DynamoDB::Table")) {
            problems.addAll(indexProblems(id, was, is));
          }
        });
    return problems;
  }

  private static List<String> indexProblems(
      String table, Map<String, Object> was, Map<String, Object> is) {
    Map<String, Map<String, Object>> old = indexes(was);
    Map<String, Map<String, Object>> now = indexes(is);
    List<String> problems = new ArrayList<>();
    for (var entry : old.entrySet()) {
      Map<String, Object> next = now.get(entry.getKey());
      if (next == null) {
        continue;
      }
      for (String property : List.of("KeySchema", "Projection")) {
        if (!Objects.equals(entry.getValue().get(property), next.get(property))) {
          problems.add(
              table
                  + " index "
                  + entry.getKey()
                  + ": its "
                  + property
                  + " changes, which DynamoDB refuses for an existing index; add an index under a"
                  + " new name and remove the old one in a later update");
        }
      }
    }
    Set<String> added = new TreeSet<>(now.keySet());
    added.removeAll(old.keySet());
    Set<String> removed = new TreeSet<>(old.keySet());
    removed.removeAll(now.keySet());
    if (added.size() + removed.size() > 1) {
      problems.add(
          table
              + ": one update may create or delete one global secondary index, this one would"
              + " create "
              + added
              + " and delete "
              + removed
              + "; split it into updates of one index each");
    }
    return problems;
  }

  private static Map<String, Map<String, Object>> indexes(Map<String, Object> table) {
    Map<String, Map<String, Object>> byName = new LinkedHashMap<>();
    Object indexes = table.get("GlobalSecondaryIndexes");
    if (indexes != null) {
      for (Object index : list(indexes)) {
        byName.put((String) map(index).get("IndexName"), map(index));
      }
    }
    return byName;
  }

  private static Map<String, Object> properties(Object resource) {
    return map(map(resource).getOrDefault("Properties", Map.of()));
  }
}
