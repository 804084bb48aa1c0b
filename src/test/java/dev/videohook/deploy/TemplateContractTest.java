package dev.videohook.deploy;

import static dev.videohook.deploy.CloudFormationTemplate.at;
import static dev.videohook.deploy.CloudFormationTemplate.getAtt;
import static dev.videohook.deploy.CloudFormationTemplate.list;
import static dev.videohook.deploy.CloudFormationTemplate.map;
import static dev.videohook.deploy.CloudFormationTemplate.ref;
import static dev.videohook.deploy.CloudFormationTemplate.refersTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import com.amazonaws.services.lambda.runtime.events.DynamodbEvent;
import com.amazonaws.services.lambda.runtime.events.ScheduledEvent;
import com.amazonaws.services.lambda.runtime.events.StreamsEventResponse;
import com.fasterxml.jackson.jr.ob.JSON;
import dev.videohook.config.ConfigurationException;
import dev.videohook.config.SharedConfig;
import dev.videohook.download.DownloadConfig;
import dev.videohook.download.DownloadHandler;
import dev.videohook.job.JobStatus;
import dev.videohook.job.JobTable;
import dev.videohook.metrics.Metrics;
import dev.videohook.provider.Provider;
import dev.videohook.provider.Tenants;
import dev.videohook.reconcile.ReconcileConfig;
import dev.videohook.secrets.SecretsManagerTenantSecrets;
import dev.videohook.webhook.ReceiverConfig;
import java.lang.reflect.Field;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import software.amazon.awssdk.services.dynamodb.model.CreateTableRequest;
import software.amazon.awssdk.services.dynamodb.model.GlobalSecondaryIndex;

/**
 * What template.yaml says about the code, checked against the code: handlers, the environment they
 * read, the AWS actions they call, the stream filter, the table, the routes and the tenant stages.
 * It runs without AWS; CI runs AWS's cfn-lint and the SAM translation beside it (.ci/run).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class TemplateContractTest {
  private static final String SERVERLESS_FUNCTION = "AWS::Serverless::Function";
  private static final Set<String> PSEUDO_PARAMETERS =
      Set.of(
          "AWS::AccountId",
          "AWS::NotificationARNs",
          "AWS::NoValue",
          "AWS::Partition",
          "AWS::Region",
          "AWS::StackId",
          "AWS::StackName",
          "AWS::URLSuffix");

  /**
   * Tenants one stack takes: API Gateway allows 10 stages per API by default, and SAM's {@code
   * $default} stage is one of them.
   */
  static final int MAX_TENANTS = 9;

  /** API Gateway's rule for a stage name. */
  private static final Pattern WEBHOOK_STAGE = Pattern.compile("[A-Za-z0-9_-]{1,128}");

  private CloudFormationTemplate template;

  @BeforeAll
  void load() throws Exception {
    template = CloudFormationTemplate.load(Path.of("template.yaml"));
  }

  List<String> functions() throws Exception {
    load();
    return template.resourcesOfType(SERVERLESS_FUNCTION);
  }

  // ------------------------------------------------------------------ handlers

  @ParameterizedTest
  @MethodSource("functions")
  void handler_shouldExistAndAcceptTheEventTheTemplateWires(String function) throws Exception {
    Class<?> handler = handlerClass(function);
    String method = handlerMethod(function);
    handler.getConstructor(); // Lambda builds the handler with its public no-arg constructor

    List<Object> events =
        new ArrayList<>(
            map(template.properties(function).getOrDefault("Events", Map.of())).values());
    assertFalse(events.isEmpty(), function + " has no event source");
    for (Object event : events) {
      String type = (String) map(event).get("Type");
      Class<?> eventClass;
      Class<?> responseClass;
      switch (type) {
        case "HttpApi" -> {
          // a stream handler reads the payload 2.0 JSON itself (HttpApiRequest) and writes the
          // {"statusCode":N} response: Lambda calls handleRequest(InputStream, OutputStream,
          // Context)
          assertTrue(
              RequestStreamHandler.class.isAssignableFrom(handler),
              function + ": " + handler.getName() + " is not a RequestStreamHandler");
          assertEquals("handleRequest", method, function);
          continue;
        }
        case "DynamoDB" -> {
          eventClass = DynamodbEvent.class;
          // ReportBatchItemFailures needs the handler to say which records failed
          boolean partial =
              list(at(event, "Properties", "FunctionResponseTypes"))
                  .contains("ReportBatchItemFailures");
          responseClass = partial ? StreamsEventResponse.class : Object.class;
        }
        case "Schedule" -> {
          eventClass = ScheduledEvent.class;
          responseClass = Object.class;
        }
        default -> throw new AssertionError(function + ": no check written for event type " + type);
      }
      Method m;
      try {
        m = handler.getMethod(method, eventClass, Context.class);
      } catch (NoSuchMethodException e) {
        throw new AssertionError(
            function
                + ": "
                + handler.getName()
                + " has no public "
                + method
                + "("
                + eventClass.getSimpleName()
                + ", Context)",
            e);
      }
      assertTrue(
          responseClass.isAssignableFrom(m.getReturnType()),
          function
              + ": "
              + method
              + " returns "
              + m.getReturnType().getSimpleName()
              + ", expected "
              + responseClass.getSimpleName());
    }
  }

  @ParameterizedTest
  @MethodSource("functions")
  void build_shouldBeTheMakefilesTarget_soThatSamBuildRunsNoTests(String function)
      throws Exception {
    assertEquals(
        "makefile",
        at(template.resource(function), "Metadata", "BuildMethod"),
        function + ": without it SAM's Maven workflow runs mvn install, tests included");
    String makefile = Files.readString(Path.of("Makefile"));
    assertTrue(
        Pattern.compile("(?m)^[^#\\n]*\\bbuild-" + function + "\\b[^\\n]*:")
            .matcher(makefile)
            .find(),
        "Makefile needs a build-" + function + " target");
    assertTrue(makefile.contains("-Dmaven.test.skip=true"), "the build skips the tests");
    assertEquals(".", at(template.root, "Globals", "Function", "CodeUri"));
  }

  @Test
  void build_shouldLeaveTheCommandLinesOwnLibrariesOutOfTheLambdaArtifact() throws Exception {
    // each function's copy-dependencies execution in pom.xml (the Makefile runs one per function)
    String pom = Files.readString(Path.of("pom.xml"));
    Matcher property =
        Pattern.compile("<webhook.excludeArtifactIds>([^<]+)</webhook.excludeArtifactIds>")
            .matcher(pom);
    assertTrue(property.find(), "the webhook function's exclusions");
    Matcher excluded =
        Pattern.compile("<excludeArtifactIds>([^<]+)</excludeArtifactIds>").matcher(pom);
    int functions = 0;
    while (excluded.find()) {
      String list = excluded.group(1).replace("${webhook.excludeArtifactIds}", property.group(1));
      assertTrue(
          Set.of(list.split(",")).containsAll(Set.of("picocli", "cloudformation")),
          "picocli (the command line) and the SDK's CloudFormation client (videohook env) stay"
              + " out of every function: "
              + list);
      functions++;
    }
    assertTrue(functions >= 4, "one exclusion list per function (and the bench's): " + functions);
    try (var files = Files.walk(Path.of("src/main/java"))) {
      for (Path file : files.filter(f -> f.toString().endsWith(".java")).toList()) {
        if (!file.startsWith(Path.of("src/main/java/dev/videohook/cli"))) {
          String code = Files.readString(file);
          assertFalse(
              code.contains("import picocli.")
                  || code.contains("import software.amazon.awssdk.services.cloudformation."),
              file + ": only dev.videohook.cli may use what the Lambda artifact leaves out");
        }
      }
    }
  }

  // ------------------------------------------------------------------ environment

  @Test
  void webhookFunction_startsWithC1Only_asTheColdStartBenchMeasures() {
    assertEquals(
        "-XX:+TieredCompilation -XX:TieredStopAtLevel=1",
        at(
            template.properties("WebhookFunction"),
            "Environment",
            "Variables",
            "JAVA_TOOL_OPTIONS"));
  }

  @ParameterizedTest
  @MethodSource("functions")
  void environment_shouldBeWhatTheHandlerReads_localOnlyDeclaredEmpty(String function)
      throws Exception {
    Set<String> reads = staticSet(handlerClass(function), "ENVIRONMENT");
    Map<String, Object> variables =
        new HashMap<>(map(at(template.root, "Globals", "Function", "Environment", "Variables")));
    Object own = at(template.properties(function), "Environment", "Variables");
    if (own != null) {
      variables.putAll(map(own));
    }

    Set<String> localOnly = new TreeSet<>(reads);
    localOnly.retainAll(Environments.LOCAL_ONLY);
    Set<String> expected = new TreeSet<>(Environments.deployed(reads));
    expected.addAll(localOnly);
    Set<String> declared = new TreeSet<>(variables.keySet());
    declared.removeAll(Environments.FOR_THE_JVM);
    assertEquals(
        expected,
        declared,
        function + ": template variables vs the handler's ENVIRONMENT less Lambda's own");
    for (String name : localOnly) {
      assertEquals(
          "",
          variables.get(name),
          function + ": " + name + " is local only and must stay empty in AWS");
    }
    for (String name : Environments.deployed(reads)) {
      assertFalse("".equals(variables.get(name)), function + ": " + name + " needs a value in AWS");
    }
  }

  // ------------------------------------------------------------------ IAM

  @ParameterizedTest
  @MethodSource("functions")
  void policies_shouldGrantExactlyTheActionsTheCodeCalls(String function) throws Exception {
    Set<String> calls = staticSet(handlerClass(function), "AWS_ACTIONS");
    Set<String> forDestinations = new HashSet<>();
    Set<String> granted = new TreeSet<>();
    for (Map<String, Object> statement : statements(function)) {
      assertEquals("Allow", statement.get("Effect"), function + ": " + statement);
      List<Object> actions = list(statement.get("Action"));
      assertFalse(
          actions.stream().anyMatch(a -> ((String) a).contains("*")),
          function + ": wildcard action in " + statement);
      if (isForOnFailureDestination(function, statement)) {
        // Lambda's stream poller writes failed batches with the function's role (the code never
        // does): objects into a bucket, or messages into a queue
        boolean toQueue =
            list(statement.get("Resource")).stream()
                .allMatch(r -> "AWS::SQS::Queue".equals(template.type(names(r))));
        assertEquals(
            toQueue ? Set.of("sqs:SendMessage") : Set.of("s3:PutObject", "s3:ListBucket"),
            Set.copyOf(actions),
            function + ": " + statement);
        forDestinations.addAll(actions.stream().map(String.class::cast).toList());
        continue;
      }
      actions.forEach(a -> granted.add((String) a));
      assertScopedToItsResource(function, statement);
    }
    assertEquals(
        new TreeSet<>(calls), granted, function + ": granted actions vs the handler's AWS_ACTIONS");
    if (hasOnFailureDestination(function)) {
      assertFalse(
          forDestinations.isEmpty(),
          function + ": the on-failure destination needs its write actions granted");
    }
  }

  @Test
  void receiverReads_shouldBeLimitedToThePrimingKeyAndTheOwnerItems() {
    List<Map<String, Object>> reads =
        statements("WebhookFunction").stream()
            .filter(s -> list(s.get("Action")).contains("dynamodb:GetItem"))
            .toList();
    assertEquals(1, reads.size());
    assertEquals(
        List.of(JobTable.PRIMING_KEY, JobTable.OWNER_KEY_PREFIX + "*"),
        list(at(reads.get(0), "Condition", "ForAllValues:StringLike", "dynamodb:LeadingKeys")));
  }

  private List<Map<String, Object>> statements(String function) {
    List<Map<String, Object>> statements = new ArrayList<>();
    for (Object policy : list(template.properties(function).get("Policies"))) {
      if (!(policy instanceof Map<?, ?> m) || !m.containsKey("Statement") || m.size() != 1) {
        throw new AssertionError(
            function + ": only inline Statement policies, so that they can be checked: " + policy);
      }
      list(m.get("Statement")).forEach(s -> statements.add(map(s)));
    }
    return statements;
  }

  private void assertScopedToItsResource(String function, Map<String, Object> statement) {
    List<Object> resources = list(statement.get("Resource"));
    assertFalse(resources.isEmpty(), function + ": " + statement);
    for (Object action : list(statement.get("Action"))) {
      String service = ((String) action).substring(0, ((String) action).indexOf(':'));
      for (Object resource : resources) {
        switch (service) {
          case "dynamodb" ->
              assertEquals(
                  action.equals("dynamodb:Query") && !function.equals("WebhookFunction")
                      ? Map.of("Fn::Sub", "${JobsTable.Arn}/index/" + JobTable.BY_STATUS_INDEX)
                      : getAtt("JobsTable", "Arn"),
                  resource,
                  function + ": " + statement);
          case "s3" ->
              assertTrue(
                  refersTo(resource, "VideoBucket") && String.valueOf(resource).contains("/*"),
                  function + ": " + statement);
          case "secretsmanager" ->
              // each function reads only its own kind of secret: signing secrets, or API keys
              assertEquals(
                  Map.of(
                      "Fn::Sub",
                      "arn:${AWS::Partition}:secretsmanager:${AWS::Region}:${AWS::AccountId}:secret:${TenantSecretsPrefix}/*/"
                          + (function.equals("WebhookFunction")
                              ? SecretsManagerTenantSecrets.WEBHOOK_SUFFIX
                              : SecretsManagerTenantSecrets.API_KEY_SUFFIX)
                          + "-??????"),
                  resource,
                  function + ": " + statement);
          case "events" ->
              assertEquals(getAtt("EventBus", "Arn"), resource, function + ": " + statement);
          default -> fail(function + ": no check written for " + action);
        }
      }
    }
  }

  private boolean isForOnFailureDestination(String function, Map<String, Object> statement) {
    List<Object> resources = list(statement.get("Resource"));
    return !resources.isEmpty()
        && onFailureDestinations(function).stream()
            .anyMatch(d -> resources.stream().allMatch(r -> refersTo(r, d)));
  }

  private boolean hasOnFailureDestination(String function) {
    return !onFailureDestinations(function).isEmpty();
  }

  private static String names(Object reference) {
    return CloudFormationTemplate.names(reference).get(0).split("\\.")[0];
  }

  /** Logical ids of the buckets and queues a function's stream events send failed batches to. */
  private List<String> onFailureDestinations(String function) {
    List<String> buckets = new ArrayList<>();
    for (Object event :
        map(template.properties(function).getOrDefault("Events", Map.of())).values()) {
      Object destination = at(event, "Properties", "DestinationConfig", "OnFailure", "Destination");
      if (destination != null) {
        String target = CloudFormationTemplate.names(destination).get(0).split("\\.")[0];
        if ("AWS::S3::Bucket".equals(template.type(target))
            || "AWS::SQS::Queue".equals(template.type(target))) {
          buckets.add(target);
        }
      }
    }
    return buckets;
  }

  // ------------------------------------------------------------------ the stream consumer

  /** Lambda's default quota of filters on one event source mapping (10 only on request). */
  private static final int LAMBDA_DEFAULT_FILTERS_PER_MAPPING = 5;

  @Test
  void notifyStream_shouldFilterWithJobTablesPatterns_asTheLocalPollerDoes() throws Exception {
    Map<String, Object> stream =
        map(at(template.properties("NotifyFunction"), "Events", "JobTransitions", "Properties"));

    assertEquals(getAtt("JobsTable", "StreamArn"), stream.get("Stream"));
    List<Map<String, Object>> patterns = new ArrayList<>();
    for (Object filter : list(at(stream, "FilterCriteria", "Filters"))) {
      patterns.add(JSON.std.mapFrom((String) map(filter).get("Pattern")));
    }
    List<Map<String, Object>> code = new ArrayList<>();
    for (String pattern : JobTable.NOTIFY_FILTER_PATTERNS) {
      code.add(JSON.std.mapFrom(pattern));
    }
    assertEquals(code, patterns, "the local stream poller applies JobTable's notify patterns");
    assertTrue(
        patterns.size() <= LAMBDA_DEFAULT_FILTERS_PER_MAPPING,
        "Lambda refuses an event source mapping with more filters than the account's quota: "
            + patterns.size());
    for (Map<String, Object> pattern : patterns) {
      assertEquals(Set.of("dynamodb"), pattern.keySet(), "filters on dynamodb alone: " + pattern);
    }
  }

  @Test
  void downloadStream_shouldDeliverCompletedJobsOnly_withBoundedRetries() throws Exception {
    Map<String, Object> stream =
        map(at(template.properties("DownloadFunction"), "Events", "CompletedJobs", "Properties"));

    assertEquals(getAtt("JobsTable", "StreamArn"), stream.get("Stream"));
    List<Object> filters = list(at(stream, "FilterCriteria", "Filters"));
    List<Map<String, Object>> patterns = new ArrayList<>();
    for (Object filter : filters) {
      patterns.add(JSON.std.mapFrom((String) map(filter).get("Pattern")));
    }
    List<Map<String, Object>> code = new ArrayList<>();
    for (String pattern : JobTable.DOWNLOAD_FILTER_PATTERNS) {
      code.add(JSON.std.mapFrom(pattern));
    }
    assertEquals(code, patterns, "the local stream poller applies JobTable's patterns");
    Set<Object> oldStatuses = new HashSet<>();
    for (Map<String, Object> pattern : patterns) {
      // a DynamoDB event source mapping filters on the record's dynamodb key only
      assertEquals(Set.of("dynamodb"), pattern.keySet(), "filters on dynamodb alone: " + pattern);
      // every filter: a job item whose new status is completed ...
      assertEquals(
          List.of(JobTable.ITEM_TYPE_JOB),
          at(pattern, "dynamodb", "NewImage", JobTable.ITEM_TYPE, "S"));
      assertEquals(
          List.of(JobStatus.COMPLETED.value()),
          at(pattern, "dynamodb", "NewImage", JobTable.STATUS, "S"));
      // ... whose old status was not completed, or that has none (inserted completed)
      oldStatuses.add(at(pattern, "dynamodb", "OldImage", JobTable.STATUS, "S"));
    }
    assertEquals(
        Set.of(
            List.of(
                Map.of("exists", false),
                Map.of("anything-but", List.of(JobStatus.COMPLETED.value())))),
        oldStatuses);

    assertEquals(List.of("ReportBatchItemFailures"), stream.get("FunctionResponseTypes"));
    assertEquals(Boolean.TRUE, stream.get("BisectBatchOnFunctionError"));
    int retries = Integer.parseInt(resolve(stream.get("MaximumRetryAttempts")));
    assertTrue(retries >= 1, "MaximumRetryAttempts must be finite, got " + retries);
    assertEquals(
        stream.get("MaximumRetryAttempts"),
        at(
            template.properties("DownloadFunction"),
            "Environment",
            "Variables",
            "DOWNLOAD_RETRY_ATTEMPTS"),
        "the function must know the stream's retries to mark its last attempt download_failed");
    int maxAge = Integer.parseInt(resolve(stream.get("MaximumRecordAgeInSeconds")));
    assertTrue(maxAge >= 60, "MaximumRecordAgeInSeconds must be finite, got " + maxAge);
    assertNotNull(stream.get("BatchSize"));
    assertEquals(List.of("FailedBatchBucket"), onFailureDestinations("DownloadFunction"));
  }

  /**
   * One batch of the largest videos the template allows must fit one invocation: BatchSize x
   * DownloadMaxBytes' MaxValue, at the stated minimum throughput, within the Timeout less the
   * deadline margin; a bigger batch would leave records that no invocation can reach in time.
   */
  @Test
  void downloadTimeout_shouldFitOneBatchOfTheLargestVideos_atTheStatedThroughput() {
    Map<String, Object> function = template.properties("DownloadFunction");
    Map<String, Object> stream = map(at(function, "Events", "CompletedJobs", "Properties"));
    Map<String, Object> maxBytes = map(template.section("Parameters").get("DownloadMaxBytes"));
    long largest = ((Number) maxBytes.get("MaxValue")).longValue();
    long batchSize = Long.parseLong(resolve(stream.get("BatchSize")));
    long timeoutSeconds = Long.parseLong(resolve(function.get("Timeout")));

    long secondsToDownload =
        DownloadHandler.DEADLINE_MARGIN.toSeconds() < timeoutSeconds
            ? timeoutSeconds - DownloadHandler.DEADLINE_MARGIN.toSeconds()
            : 0;
    assertTrue(
        batchSize * largest <= secondsToDownload * DownloadHandler.MIN_THROUGHPUT_BYTES_PER_SECOND,
        "BatchSize "
            + batchSize
            + " x "
            + largest
            + " bytes does not fit "
            + secondsToDownload
            + " s at "
            + DownloadHandler.MIN_THROUGHPUT_BYTES_PER_SECOND
            + " bytes/s");
    assertTrue(timeoutSeconds <= 900, "Lambda's longest Timeout is 900 s");
    long byDefault =
        Long.parseLong(resolve(at(function, "Environment", "Variables", "DOWNLOAD_MAX_BYTES")));
    assertTrue(byDefault <= largest, "the default must be allowed");
    assertTrue(
        largest <= DownloadConfig.MAX_MAX_BYTES, "the function must accept the largest allowed");
  }

  @Test
  void webhookMaxBodyBytes_shouldStopWhereTheReceiverStops() {
    Map<String, Object> parameter = map(template.section("Parameters").get("WebhookMaxBodyBytes"));
    assertEquals(
        ReceiverConfig.LARGEST_MAX_BODY_BYTES, ((Number) parameter.get("MaxValue")).intValue());
  }

  @Test
  void downloadRetryAttempts_shouldAcceptExactlyTheRangeTheFunctionAccepts() {
    Map<String, Object> parameter =
        map(template.section("Parameters").get("DownloadRetryAttempts"));
    int min = ((Number) parameter.get("MinValue")).intValue();
    int max = ((Number) parameter.get("MaxValue")).intValue();
    for (int value : List.of(min, ((Number) parameter.get("Default")).intValue(), max)) {
      assertEquals(
          value, downloadConfig(value).streamRetryAttempts(), "the template allows " + value);
    }
    for (int value : List.of(min - 1, max + 1)) {
      assertThrows(
          ConfigurationException.class,
          () -> downloadConfig(value),
          "the template refuses " + value + ", and so must the function");
    }
  }

  private static DownloadConfig downloadConfig(int retries) {
    return DownloadConfig.fromEnvironment(
        Map.of(
            SharedConfig.JOBS_TABLE,
            "jobs",
            DownloadConfig.VIDEO_BUCKET,
            "videos",
            DownloadConfig.DOWNLOAD_RETRY_ATTEMPTS,
            Integer.toString(retries)));
  }

  /** A literal, or a parameter's default. */
  private String resolve(Object value) {
    if (value instanceof Map<?, ?> m && m.containsKey("Ref")) {
      return String.valueOf(at(template.section("Parameters"), (String) m.get("Ref"), "Default"));
    }
    return String.valueOf(value);
  }

  // ------------------------------------------------------------------ the table

  /** What {@code value} says of each of the code's indexes, by index name. */
  private static <V> Map<String, V> byIndexName(
      CreateTableRequest code, Function<GlobalSecondaryIndex, V> value) {
    return code.globalSecondaryIndexes().stream()
        .collect(Collectors.toMap(GlobalSecondaryIndex::indexName, value));
  }

  @Test
  void jobsTable_shouldHaveTheShapeTheCodeCreates() {
    CreateTableRequest code = JobTable.createTableRequest("jobs");
    Map<String, Object> table = template.properties("JobsTable");

    assertEquals(code.billingModeAsString(), table.get("BillingMode"));
    assertEquals(
        code.attributeDefinitions().stream()
            .map(a -> a.attributeName() + ":" + a.attributeTypeAsString())
            .collect(Collectors.toSet()),
        list(table.get("AttributeDefinitions")).stream()
            .map(a -> at(a, "AttributeName") + ":" + at(a, "AttributeType"))
            .collect(Collectors.toSet()));
    assertEquals(
        code.keySchema().stream().map(k -> k.attributeName() + ":" + k.keyTypeAsString()).toList(),
        keySchema(table.get("KeySchema")));
    Map<String, List<String>> indexes = new HashMap<>();
    Map<String, String> projections = new HashMap<>();
    for (Object index : list(table.get("GlobalSecondaryIndexes"))) {
      indexes.put((String) at(index, "IndexName"), keySchema(at(index, "KeySchema")));
      projections.put(
          (String) at(index, "IndexName"),
          at(index, "Projection", "ProjectionType")
              + " "
              + new TreeSet<>(list(at(index, "Projection", "NonKeyAttributes"))));
    }
    // what a job read needs and not whole items: the code's tables project the same
    assertEquals(
        byIndexName(
            code,
            i ->
                i.projection().projectionTypeAsString()
                    + " "
                    + new TreeSet<>(i.projection().nonKeyAttributes())),
        projections);
    assertEquals(
        byIndexName(
            code,
            i ->
                i.keySchema().stream()
                    .map(k -> k.attributeName() + ":" + k.keyTypeAsString())
                    .toList()),
        indexes);
    code.globalSecondaryIndexes()
        .forEach(i -> assertEquals("INCLUDE", i.projection().projectionTypeAsString()));
    assertEquals(
        code.streamSpecification().streamViewTypeAsString(),
        at(table, "StreamSpecification", "StreamViewType"));
    assertEquals(JobTable.EXPIRES_AT, at(table, "TimeToLiveSpecification", "AttributeName"));
    assertEquals(Boolean.TRUE, at(table, "TimeToLiveSpecification", "Enabled"));
    assertEquals(
        Boolean.TRUE, at(table, "PointInTimeRecoverySpecification", "PointInTimeRecoveryEnabled"));
  }

  private static List<String> keySchema(Object schema) {
    return list(schema).stream().map(k -> at(k, "AttributeName") + ":" + at(k, "KeyType")).toList();
  }

  // ------------------------------------------------------------------ routes, tenants, secrets

  @Test
  void webhookRoutes_shouldBeOnePostPerProvider_onTheWebhookApi() {
    Set<String> routes = new HashSet<>();
    for (Object event : map(template.properties("WebhookFunction").get("Events")).values()) {
      assertEquals("HttpApi", at(event, "Type"));
      assertEquals(ref("WebhookApi"), at(event, "Properties", "ApiId"));
      routes.add(at(event, "Properties", "Method") + " " + at(event, "Properties", "Path"));
    }
    Set<String> expected = new HashSet<>();
    for (Provider provider : Provider.values()) {
      expected.add("POST " + provider.webhookPath());
    }
    assertEquals(expected, routes);
    assertEquals("AWS::Serverless::HttpApi", template.type("WebhookApi"));
    assertEquals(
        0,
        at(template.properties("WebhookApi"), "DefaultRouteSettings", "ThrottlingBurstLimit"),
        "the $default stage is no tenant's");
  }

  @Test
  void tenants_shouldEachGetAStageOnTheWebhookApi() {
    Map<String, Object> stage =
        only(forEachFragment(template.section("Resources"), "Fn::ForEach::TenantStages", "Tenant"));
    assertEquals("AWS::ApiGatewayV2::Stage", stage.get("Type"));
    assertEquals(ref("WebhookApi"), at(stage, "Properties", "ApiId"));
    assertEquals(ref("Tenant"), at(stage, "Properties", "StageName"));
    assertEquals(Boolean.TRUE, at(stage, "Properties", "AutoDeploy"));
  }

  @Test
  void tenantNames_shouldBeValidStageNames_thatNeverCollideAsLogicalIds() {
    Map<String, Object> tenants = map(template.section("Parameters").get("Tenants"));
    assertEquals("CommaDelimitedList", tenants.get("Type"));
    // CloudFormation applies a CommaDelimitedList's AllowedPattern to each name, whole
    Pattern allowed = Pattern.compile((String) tenants.get("AllowedPattern"));
    for (String name : List.of("demo", "acme", "globex2", "a", "t" + "x".repeat(31))) {
      assertTrue(allowed.matcher(name).matches(), name);
      // Fn::ForEach's &{Tenant} keeps letters and digits only: a valid name is its own logical id
      assertEquals(name, name.replaceAll("[^A-Za-z0-9]", ""), name);
      assertTrue(WEBHOOK_STAGE.matcher(name).matches(), "API Gateway stage name: " + name);
    }
    for (String name :
        List.of(
            "acme-eu", "acme_eu", "Acme", "ACME", "2acme", "", "$default", "a b", "x".repeat(33))) {
      assertFalse(allowed.matcher(name).matches(), "must be refused: '" + name + "'");
    }
    assertTrue(
        String.valueOf(tenants.get("Description")).contains("at most " + MAX_TENANTS),
        "the parameter says how many tenants one API takes");
  }

  @Test
  void tenantSecrets_shouldOutliveTheirTenant_butNotTheRollbackOfTheirCreate() {
    for (Map<String, Object> secret : tenantSecrets().values()) {
      // Retain would keep them through a failed first deploy's rollback, and the retry would
      // fail on names that already exist
      assertEquals("RetainExceptOnCreate", secret.get("DeletionPolicy"));
      assertEquals("Retain", secret.get("UpdateReplacePolicy"));
    }
  }

  /** Resource types that hold data or cost a name: each says what becomes of it on delete. */
  private static final Set<String> STATEFUL_TYPES =
      Set.of(
          "AWS::S3::Bucket",
          "AWS::DynamoDB::Table",
          "AWS::Logs::LogGroup",
          "AWS::SQS::Queue",
          "AWS::SecretsManager::Secret");

  @Test
  void statefulResources_shouldEachDeclareTheirDeletionAndReplacePolicy() {
    Map<String, String> policies = new TreeMap<>();
    map(template.expanded(Map.of()).get("Resources")).entrySet().stream()
        .filter(e -> STATEFUL_TYPES.contains(map(e.getValue()).get("Type")))
        .forEach(
            e ->
                policies.put(
                    e.getKey(),
                    map(e.getValue()).get("DeletionPolicy")
                        + "/"
                        + map(e.getValue()).get("UpdateReplacePolicy")));
    assertFalse(policies.isEmpty());
    policies.forEach(
        (id, policy) -> assertFalse(policy.contains("null"), id + " has no explicit policy"));
    // the failure records outlive the stack (and a non-empty bucket cannot be deleted), as do
    // the videos and the jobs; only a failed first deploy's rollback removes them, still empty
    assertEquals("RetainExceptOnCreate/Retain", policies.get("FailedBatchBucket"));
    assertEquals("RetainExceptOnCreate/Retain", policies.get("VideoBucket"));
    assertEquals("RetainExceptOnCreate/Retain", policies.get("JobsTable"));
  }

  /** The per-tenant, per-provider secrets, by logical id (with its placeholders). */
  private Map<String, Map<String, Object>> tenantSecrets() {
    Map<String, Object> perProvider =
        forEachFragment(template.section("Resources"), "Fn::ForEach::TenantSecrets", "Tenant");
    Map<String, Map<String, Object>> secrets = new HashMap<>();
    Map<String, Object> resources =
        forEachResources(perProvider, "Fn::ForEach::ProviderSecrets", "Provider");
    resources.forEach((id, value) -> secrets.put(id, map(value)));
    assertEquals(
        Set.of("&{Tenant}${Provider}WebhookSecret", "&{Tenant}${Provider}ApiKeySecret"),
        secrets.keySet(),
        "a signing secret and an API key secret per tenant and provider");
    return secrets;
  }

  @Test
  void tenantSecrets_shouldBeNamedWhereTheCodeLooks_twoPerProvider() throws Exception {
    Map<String, Map<String, Object>> secrets = tenantSecrets();
    Map<String, Object> webhook = secrets.get("&{Tenant}${Provider}WebhookSecret");
    Map<String, Object> apiKey = secrets.get("&{Tenant}${Provider}ApiKeySecret");
    for (Provider provider : Provider.values()) {
      assertEquals(
          SecretsManagerTenantSecrets.webhookSecretId("PREFIX", "TENANT", provider),
          secretName(webhook, provider));
      assertEquals(
          SecretsManagerTenantSecrets.apiKeySecretId("PREFIX", "TENANT", provider),
          secretName(apiKey, provider));
    }
    for (Map<String, Object> secret : secrets.values()) {
      assertEquals("AWS::SecretsManager::Secret", secret.get("Type"));
    }
    assertEquals(
        Set.of(SecretsManagerTenantSecrets.WEBHOOK_SECRET),
        JSON.std.mapFrom((String) at(webhook, "Properties", "SecretString")).keySet());
    assertEquals(
        Set.of(SecretsManagerTenantSecrets.API_KEY),
        JSON.std.mapFrom((String) at(apiKey, "Properties", "SecretString")).keySet());
    for (String function : List.of("WebhookFunction", "DownloadFunction", "ReconcileFunction")) {
      assertEquals(
          ref("TenantSecretsPrefix"),
          at(
              template.properties(function),
              "Environment",
              "Variables",
              SecretsManagerTenantSecrets.TENANT_SECRETS_PREFIX),
          function);
    }
  }

  @Test
  void outputs_shouldGiveEachTenantsCallbackUrlPerProvider() {
    Map<String, Object> perProvider =
        forEachFragment(template.section("Outputs"), "Fn::ForEach::TenantCallbackUrls", "Tenant");
    Map<String, Object> output =
        only(forEachFragment(perProvider, "Fn::ForEach::ProviderCallbackUrls", "Provider"));
    String url = (String) at(output, "Value", "Fn::Sub");
    for (Provider provider : Provider.values()) {
      String resolved = url.replace("${Provider}", provider.id());
      assertTrue(resolved.startsWith("https://${WebhookApi}.execute-api."), url);
      assertTrue(resolved.endsWith("/${Tenant}" + provider.webhookPath()), url);
    }
  }

  /**
   * The body of a {@code Fn::ForEach} loop (one fragment, or one nested loop), after checking the
   * loop's identifier and collection: tenants come from the {@code Tenants} parameter, providers
   * are the code's.
   */
  private static Map<String, Object> forEachFragment(
      Map<String, Object> section, String loop, String identifier) {
    Map<String, Object> fragments = forEachResources(section, loop, identifier);
    assertEquals(1, fragments.size(), loop);
    return fragments;
  }

  private static String secretName(Map<String, Object> secret, Provider provider) {
    return ((String) at(secret, "Properties", "Name", "Fn::Sub"))
        .replace("${TenantSecretsPrefix}", "PREFIX")
        .replace("${Tenant}", "TENANT")
        .replace("${Provider}", provider.id());
  }

  /** What one Fn::ForEach loop makes per item, by logical id (placeholders included). */
  private static Map<String, Object> forEachResources(
      Map<String, Object> section, String loop, String identifier) {
    List<Object> forEach = list(section.get(loop));
    assertEquals(3, forEach.size(), loop);
    assertEquals(identifier, forEach.get(0), loop);
    if (identifier.equals("Tenant")) {
      assertEquals(ref("Tenants"), forEach.get(1), loop);
    } else {
      assertEquals(
          Arrays.stream(Provider.values()).map(Provider::id).toList(), forEach.get(1), loop);
    }
    return map(forEach.get(2));
  }

  private static Map<String, Object> only(Map<String, Object> fragments) {
    return map(fragments.values().iterator().next());
  }

  // ------------------------------------------------------------------ the rest of the template

  @Test
  void everyReference_shouldNameAParameterOrResource() {
    Set<String> known = new HashSet<>(PSEUDO_PARAMETERS);
    known.addAll(template.section("Parameters").keySet());
    known.addAll(template.section("Resources").keySet());
    known.addAll(Set.of("Tenant", "Provider")); // Fn::ForEach identifiers
    Set<String> unknown = new TreeSet<>();
    for (String name : CloudFormationTemplate.names(template.root)) {
      String target = name.startsWith("AWS::") ? name : name.split("\\.")[0];
      if (!known.contains(target)) {
        unknown.add(name);
      }
    }
    assertEquals(Set.of(), unknown);
  }

  @Test
  void everyParameter_shouldHaveADefault() {
    template
        .section("Parameters")
        .forEach((name, parameter) -> assertTrue(map(parameter).containsKey("Default"), name));
  }

  @Test
  void webhookFunction_shouldStartFromASnapshot() {
    Map<String, Object> function = template.properties("WebhookFunction");
    assertEquals(Map.of("ApplyOn", "PublishedVersions"), function.get("SnapStart"));
    assertNotNull(function.get("AutoPublishAlias"));
    assertEquals(
        Boolean.TRUE,
        function.get("AutoPublishAliasAllProperties"),
        "without it, a change of timeout or policy never reaches the alias API Gateway calls");
    assertEquals("java21", at(template.root, "Globals", "Function", "Runtime"));
  }

  /**
   * The Regions without HTTP APIs (CloudFormation's resource specifications: no
   * AWS::ApiGatewayV2::Api there) and without SnapStart are refused by a rule, which CloudFormation
   * checks before it creates anything, with a message naming them.
   */
  @Test
  void regionsWithoutHttpApis_shouldBeRefusedBeforeAnythingIsCreated() {
    Map<String, Object> assertion =
        map(list(at(template.root, "Rules", "DeployableRegion", "Assertions")).get(0));
    List<Object> contains = list(at(assertion, "Assert", "Fn::Not"));
    List<Object> args = list(map(contains.get(0)).get("Fn::Contains"));
    assertEquals(List.of("ap-east-2", "ap-southeast-6"), args.get(0));
    assertEquals(ref("AWS::Region"), args.get(1));
    String description = (String) assertion.get("AssertDescription");
    assertTrue(description.contains("ap-east-2") && description.contains("ap-southeast-6"));
  }

  /**
   * SnapStart priming reads the secrets of the tenant "priming": no deployed tenant is named so.
   */
  @Test
  void primingTenant_shouldBeRefusedByARule() {
    Map<String, Object> assertion =
        map(list(at(template.root, "Rules", "TenantNames", "Assertions")).get(0));
    List<Object> contains = list(at(assertion, "Assert", "Fn::Not"));
    assertEquals(
        List.of(ref("Tenants"), Tenants.RESERVED_PRIMING),
        map(contains.get(0)).get("Fn::Contains"));
    assertTrue(((String) assertion.get("AssertDescription")).contains("priming"));
  }

  /**
   * A Lambda version's description holds at most 256 characters; the webhook function's is made of
   * parameters, so each of them is bounded and the longest description still fits.
   */
  @Test
  void versionDescription_shouldFitLambdasLimit_withEveryParameterAtItsLongest() {
    String description =
        (String) at(template.properties("WebhookFunction"), "VersionDescription", "Fn::Sub");
    Map<String, Object> parameters = template.section("Parameters");
    StringBuilder longest = new StringBuilder();
    Matcher variable = Pattern.compile("\\$\\{([^}]+)}").matcher(description);
    while (variable.find()) {
      Map<String, Object> parameter = map(parameters.get(variable.group(1)));
      Object bound =
          "Number".equals(parameter.get("Type"))
              ? parameter.get("MaxValue")
              : parameter.get("MaxLength");
      assertNotNull(bound, variable.group(1) + " has no upper bound");
      int length =
          "Number".equals(parameter.get("Type"))
              ? String.valueOf(bound).length()
              : ((Number) bound).intValue();
      variable.appendReplacement(longest, "x".repeat(length));
    }
    variable.appendTail(longest);
    assertTrue(longest.length() <= 256, longest.length() + " characters: " + longest);
  }

  /**
   * SAM names the published version from the function's properties with parameter references
   * unresolved: a change of a parameter alone would leave the alias on a version with the old
   * settings. Every parameter the aliased function reads is in its version's description, whose
   * change replaces (publishes) the version.
   */
  @Test
  void aliasedFunction_shouldPublishANewVersion_whenOnlyAParameterItReadsChanges() {
    Map<String, Object> function = new HashMap<>(template.properties("WebhookFunction"));
    Object description = function.remove("VersionDescription");
    Set<String> parameters = template.section("Parameters").keySet();
    Set<String> read = new TreeSet<>(CloudFormationTemplate.names(function));
    read.addAll(CloudFormationTemplate.names(at(template.root, "Globals", "Function")));
    read.retainAll(parameters);
    assertFalse(read.isEmpty());
    Set<String> described = new TreeSet<>(CloudFormationTemplate.names(description));
    assertEquals(read, described, "parameters the function reads vs its version's description");
  }

  @Test
  void buckets_shouldBeEncryptedPrivateTlsOnly_andDropIncompleteUploads() {
    List<String> buckets = template.resourcesOfType("AWS::S3::Bucket");
    assertEquals(Set.of("VideoBucket", "FailedBatchBucket"), Set.copyOf(buckets));
    for (String bucket : buckets) {
      Map<String, Object> p = template.properties(bucket);
      assertNotNull(
          at(
              list(at(p, "BucketEncryption", "ServerSideEncryptionConfiguration")).get(0),
              "ServerSideEncryptionByDefault",
              "SSEAlgorithm"),
          bucket);
      assertEquals(
          Map.of(
              "BlockPublicAcls",
              true,
              "BlockPublicPolicy",
              true,
              "IgnorePublicAcls",
              true,
              "RestrictPublicBuckets",
              true),
          p.get("PublicAccessBlockConfiguration"),
          bucket);
      assertTrue(
          list(at(p, "LifecycleConfiguration", "Rules")).stream()
              .anyMatch(
                  r ->
                      "Enabled".equals(at(r, "Status"))
                          && at(r, "AbortIncompleteMultipartUpload", "DaysAfterInitiation")
                              != null),
          bucket);
      assertTrue(
          template.resourcesOfType("AWS::S3::BucketPolicy").stream()
              .map(template::properties)
              .filter(policy -> ref(bucket).equals(policy.get("Bucket")))
              .flatMap(policy -> list(at(policy, "PolicyDocument", "Statement")).stream())
              .anyMatch(
                  s ->
                      "Deny".equals(at(s, "Effect"))
                          && "false".equals(at(s, "Condition", "Bool", "aws:SecureTransport"))),
          bucket + " needs a TLS-only policy");
    }
  }

  @Test
  void videoLifecycle_shouldBeOffByDefault_eachRuleThereOnlyWhenItsDaysAreSet() {
    Map<String, Object> parameters = template.section("Parameters");
    for (String days : List.of("VideoInfrequentAccessDays", "VideoExpirationDays")) {
      assertEquals(0, at(parameters.get(days), "Default"), days + " is off (0) by default");
    }
    assertEquals(
        Map.of(
            "Fn::Not", List.of(Map.of("Fn::Equals", List.of(ref("VideoInfrequentAccessDays"), 0)))),
        template.section("Conditions").get("HasVideoInfrequentAccess"));
    assertEquals(
        Map.of("Fn::Not", List.of(Map.of("Fn::Equals", List.of(ref("VideoExpirationDays"), 0)))),
        template.section("Conditions").get("HasVideoExpiration"));

    List<Object> rules =
        list(at(template.properties("VideoBucket"), "LifecycleConfiguration", "Rules"));
    Map<String, Object> transition = conditionalRule(rules, "HasVideoInfrequentAccess");
    assertEquals("Enabled", transition.get("Status"));
    assertEquals(
        List.of(
            Map.of(
                "StorageClass",
                "STANDARD_IA",
                "TransitionInDays",
                ref("VideoInfrequentAccessDays"))),
        transition.get("Transitions"));
    Map<String, Object> expiry = conditionalRule(rules, "HasVideoExpiration");
    assertEquals("Enabled", expiry.get("Status"));
    assertEquals(ref("VideoExpirationDays"), expiry.get("ExpirationInDays"));
  }

  /** The rule {@code Fn::If [condition, rule, AWS::NoValue]} holds: none at all when off. */
  private static Map<String, Object> conditionalRule(List<Object> rules, String condition) {
    for (Object rule : rules) {
      Object branches = map(rule).get("Fn::If");
      if (branches != null && condition.equals(list(branches).get(0))) {
        assertEquals(ref("AWS::NoValue"), list(branches).get(2), condition + ": no rule when off");
        return map(list(branches).get(1));
      }
    }
    throw new AssertionError("VideoBucket has no lifecycle rule under " + condition);
  }

  @Test
  void alarms_shouldWatchErrorsAndThrottlesOfEachFunction_andFailedBatches() throws Exception {
    Set<String> watched = new HashSet<>();
    for (String alarm : template.resourcesOfType("AWS::CloudWatch::Alarm")) {
      Map<String, Object> p = template.properties(alarm);
      for (Object dimension : list(p.get("Dimensions"))) {
        watched.add(
            p.get("MetricName") + " " + CloudFormationTemplate.names(at(dimension, "Value")));
      }
      assertEquals(List.of(ref("AlarmTopic")), p.get("AlarmActions"), alarm);
    }
    for (String function : functions()) {
      assertTrue(watched.contains("Errors [" + function + "]"), watched.toString());
      assertTrue(watched.contains("Throttles [" + function + "]"), watched.toString());
    }
    assertTrue(
        // new failed batches (a rate), not the standing queue depth: the alarm clears by itself
        watched.contains("NumberOfMessagesSent [FailedBatchQueue.QueueName]"), watched.toString());
    assertEquals(
        getAtt("FailedBatchQueue", "Arn"),
        at(list(template.properties("FailedBatchRule").get("Targets")).get(0), "Arn"));
    assertEquals(
        List.of(ref("FailedBatchBucket")),
        at(template.properties("FailedBatchRule"), "EventPattern", "detail", "bucket", "name"));
  }

  // ------------------------------------------------------------------ the reconciler

  @Test
  void reconciler_shouldRunOnTheIntervalItIsConfiguredWith_andAlarmOnLostWebhooks() {
    Map<String, Object> function = template.properties("ReconcileFunction");
    Map<String, Object> variables = map(at(function, "Environment", "Variables"));
    assertEquals(
        ref("ReconcileIntervalSeconds"), variables.get(ReconcileConfig.RECONCILE_INTERVAL_SECONDS));
    Map<String, Object> events = map(function.get("Events"));
    assertEquals(1, events.size());
    Object event = events.values().iterator().next();
    assertEquals("Schedule", at(event, "Type"));
    assertEquals(
        Map.of(
            "Fn::FindInMap",
            List.of("ReconcileRates", ref("ReconcileIntervalSeconds"), "Expression")),
        at(event, "Properties", "Schedule"));
    // every allowed interval has a rate, and the rate is the interval
    Map<String, Object> rates = map(at(template.root, "Mappings", "ReconcileRates"));
    List<Object> allowed =
        list(at(template.root, "Parameters", "ReconcileIntervalSeconds", "AllowedValues"));
    assertEquals(new TreeSet<>(allowed), new TreeSet<>(rates.keySet()));
    for (Object seconds : allowed) {
      Matcher rate =
          Pattern.compile("rate\\((\\d+) (minute|minutes|hour|hours)\\)")
              .matcher((String) at(rates.get(seconds), "Expression"));
      assertTrue(rate.matches(), String.valueOf(rates.get(seconds)));
      long unit = rate.group(2).startsWith("hour") ? 3600 : 60;
      assertEquals(Long.parseLong((String) seconds), Long.parseLong(rate.group(1)) * unit);
      assertEquals(rate.group(1).equals("1"), !rate.group(2).endsWith("s"), "rate(1 minute)");
    }

    // one signal per lost webhook: the reconciler's own metric, watched by one alarm
    Map<String, Object> alarm = template.properties("LostWebhooksAlarm");
    assertEquals(Metrics.NAMESPACE, alarm.get("Namespace"));
    assertEquals(Metrics.JOBS_RECONCILED, alarm.get("MetricName"));
    assertEquals(
        Map.of(Metrics.STACK, ref("AWS::StackName"), Metrics.SERVICE, Metrics.RECONCILE),
        dimensions(alarm));
    assertEquals("GreaterThanThreshold", alarm.get("ComparisonOperator"));
    assertEquals(0, ((Number) alarm.get("Threshold")).intValue());
    assertEquals(
        List.of("LostWebhooksAlarm"),
        template.resourcesOfType("AWS::CloudWatch::Alarm").stream()
            .filter(a -> Metrics.JOBS_RECONCILED.equals(template.properties(a).get("MetricName")))
            .toList());
    assertEquals(List.of(), template.resourcesOfType("AWS::Logs::MetricFilter"));
  }

  // ------------------------------------------------------------------ our own metrics

  /**
   * Every alarm on the application's own metrics watches a metric that a {@link Metrics} method
   * emits and that main code (outside the metrics package) calls, for this stack only: an alarm on
   * a metric nothing emits never fires, and one without the stack's dimension counts every stack in
   * the account and Region.
   */
  @Test
  void ownMetricAlarms_shouldWatchWhatMainCodeEmits_forThisStackAlone() throws Exception {
    Map<String, Set<String>> emitters = metricEmitters();
    String main = mainSourcesOutside("dev/videohook/metrics");
    List<String> own = new ArrayList<>();
    for (String alarm : template.resourcesOfType("AWS::CloudWatch::Alarm")) {
      Map<String, Object> p = template.properties(alarm);
      Object namespace = p.get("Namespace");
      if (namespace instanceof String text && text.startsWith("AWS/")) {
        continue;
      }
      own.add(alarm);
      assertEquals(Metrics.NAMESPACE, namespace, alarm + ": our metrics' namespace");
      String metric = (String) p.get("MetricName");
      Set<String> methods = emitters.get(metric);
      assertNotNull(methods, alarm + ": no Metrics method emits " + metric);
      assertTrue(
          methods.stream()
              .anyMatch(m -> Pattern.compile("\\.\\s*" + m + "\\(").matcher(main).find()),
          alarm
              + ": "
              + metric
              + " comes from Metrics."
              + methods
              + ", which main code never calls");
      Map<String, Object> dimensions = dimensions(p);
      assertEquals(ref("AWS::StackName"), dimensions.get(Metrics.STACK), alarm);
      assertEquals(Set.of(Metrics.STACK, Metrics.SERVICE), dimensions.keySet(), alarm);
    }
    assertEquals(
        Set.of(
            "RejectionSpikeAlarm",
            "LostWebhooksAlarm",
            "ReconcileRunErrorsAlarm",
            "ReconcileRunIncompleteAlarm",
            "LateTerminalEventsAlarm",
            "OutputsExpiringAlarm",
            "ForeignTenantDeliveriesAlarm"),
        new HashSet<>(own));
  }

  @Test
  void dashboard_shouldShowThisStacksMetricsAlone() {
    String body = (String) at(template.properties("Dashboard"), "DashboardBody", "Fn::Sub");
    Matcher ours =
        Pattern.compile("\\[\"" + Metrics.NAMESPACE + "\",\"(\\w+)\",([^\\]]*)").matcher(body);
    int widgets = 0;
    while (ours.find()) {
      widgets++;
      assertTrue(
          ours.group(2).startsWith("\"Stack\",\"${AWS::StackName}\","),
          ours.group(1) + " is not limited to this stack: " + ours.group());
    }
    assertTrue(widgets > 0, "the dashboard shows our own metrics");
    Matcher search = Pattern.compile("SEARCH\\('([^']*)'").matcher(body);
    assertTrue(search.find());
    assertTrue(
        search.group(1).contains("Stack=\\\"${AWS::StackName}\\\""),
        "the rejection search is limited to this stack: " + search.group(1));
  }

  /** An alarm's dimensions, name to value. */
  private static Map<String, Object> dimensions(Map<String, Object> alarm) {
    Map<String, Object> byName = new HashMap<>();
    for (Object dimension : list(alarm.get("Dimensions"))) {
      byName.put((String) at(dimension, "Name"), at(dimension, "Value"));
    }
    return byName;
  }

  /** Metric name to the {@link Metrics} methods that emit it, found by calling each one. */
  private static Map<String, Set<String>> metricEmitters() throws Exception {
    Map<String, Set<String>> emitters = new HashMap<>();
    for (Method method : Metrics.class.getDeclaredMethods()) {
      if (!Modifier.isPublic(method.getModifiers()) || Modifier.isStatic(method.getModifiers())) {
        continue;
      }
      List<String> lines = new ArrayList<>();
      Metrics metrics = new Metrics("stack", lines::add, Clock.systemUTC());
      Object[] args =
          Arrays.stream(method.getParameterTypes())
              .map(
                  t ->
                      t == long.class
                          ? 1L
                          : t == double.class
                              ? 1.0
                              : t == int.class ? 1 : t == boolean.class ? false : (Object) "x")
              .toArray();
      method.invoke(metrics, args);
      for (String line : lines) {
        for (Object directive : list(at(JSON.std.mapFrom(line), "_aws", "CloudWatchMetrics"))) {
          for (Object definition : list(at(directive, "Metrics"))) {
            emitters
                .computeIfAbsent((String) at(definition, "Name"), n -> new TreeSet<>())
                .add(method.getName());
          }
        }
      }
    }
    return emitters;
  }

  /** The text of every main source file, less those under {@code excluded}. */
  private static String mainSourcesOutside(String excluded) throws Exception {
    Path root = Path.of("src/main/java");
    StringBuilder text = new StringBuilder();
    try (var files = Files.walk(root)) {
      for (Path file : files.filter(f -> f.toString().endsWith(".java")).toList()) {
        if (!root.relativize(file).toString().replace('\\', '/').startsWith(excluded)) {
          text.append(Files.readString(file)).append('\n');
        }
      }
    }
    return text.toString();
  }

  // ------------------------------------------------------------------ reflection

  private Class<?> handlerClass(String function) {
    String handler = handler(function);
    String className = handler.substring(0, handler.indexOf("::"));
    Class<?> found;
    try {
      found = Class.forName(className);
    } catch (ClassNotFoundException e) {
      throw new AssertionError(
          function + ": template.yaml names " + className + ", which is not on the classpath", e);
    }
    return found;
  }

  private String handlerMethod(String function) {
    String handler = handler(function);
    return handler.substring(handler.indexOf("::") + 2);
  }

  private String handler(String function) {
    String handler = (String) template.properties(function).get("Handler");
    assertTrue(
        handler != null && handler.contains("::"),
        function + ": Handler must be class::method, got " + handler);
    return handler;
  }

  /** A handler's {@code public static final Set<String>} constant. */
  @SuppressWarnings("unchecked")
  private static Set<String> staticSet(Class<?> handler, String name) throws Exception {
    Field field;
    try {
      field = handler.getField(name);
    } catch (NoSuchFieldException e) {
      throw new AssertionError(
          handler.getName() + " must declare public static final Set<String> " + name, e);
    }
    assertTrue(
        Modifier.isStatic(field.getModifiers()) && Set.class.isAssignableFrom(field.getType()),
        handler.getName() + "." + name);
    return (Set<String>) field.get(null);
  }
}
