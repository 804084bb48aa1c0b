package dev.videohook.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.videohook.job.JobStatus;
import dev.videohook.job.JobTable;
import dev.videohook.local.LocalStack;
import dev.videohook.provider.Provider;
import dev.videohook.simulator.Faults;
import dev.videohook.simulator.ProviderSimulator;
import dev.videohook.simulator.ProviderSimulator.DeliveryAttempt;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * Submission to stored state through the whole local stack: the simulated provider takes the job
 * and delivers a signed webhook over HTTP to the local API server, which runs the real handler on
 * DynamoDB Local. Each fault switch ends in the state a careful receiver must reach.
 */
class EndToEndTest {
  private static final Duration DELIVERY_TIMEOUT = Duration.ofSeconds(30);
  private static LocalStack stack;

  @BeforeAll
  static void start() throws Exception {
    stack = LocalStack.start(0, Map.of());
  }

  @AfterAll
  static void stop() {
    stack.close();
  }

  private static String submitAndAwait(Provider provider, String tenant, Faults faults) throws Exception {
    ProviderSimulator simulator = stack.simulator(provider);
    simulator.setFaults(faults.withCompletionDelay(Duration.ofMillis(50)));
    String jobId = stack.submit(provider, tenant, "google/veo-3.1-lite", "a desk lamp").id();
    assertTrue(simulator.awaitDelivered(jobId, DELIVERY_TIMEOUT), "the simulator's webhook was not acknowledged");
    return jobId;
  }

  private static Map<String, AttributeValue> job(String tenant, Provider provider, String jobId) {
    return stack.jobStore().findJob(tenant, provider.id(), jobId).orElseThrow();
  }

  private static long deliveryRecords(String jobId) {
    return stack.dynamoDb().scanPaginator(b -> b.tableName(LocalStack.TABLE).consistentRead(true)).items().stream()
        .filter(item -> JobTable.ITEM_TYPE_DELIVERY.equals(item.get(JobTable.ITEM_TYPE).s()))
        .filter(item -> jobId.equals(item.get(JobTable.JOB_ID).s()))
        .count();
  }

  private static List<Integer> statuses(Provider provider, String jobId) {
    return stack.simulator(provider).deliveries(jobId).stream().map(DeliveryAttempt::status).toList();
  }

  @ParameterizedTest
  @EnumSource(Provider.class)
  void happyPath_pendingThenCompleted_forEachProvider(Provider provider) throws Exception {
    String jobId = submitAndAwait(provider, "acme", Faults.none());

    Map<String, AttributeValue> job = job("acme", provider, jobId);
    assertEquals("completed", job.get(JobTable.STATUS).s());
    assertEquals("a desk lamp", job.get(JobTable.PROMPT).s(), "what submit recorded is kept");
    assertEquals(1, job.get(JobTable.UNSIGNED_URLS).l().size());
    assertEquals(List.of(204), statuses(provider, jobId));
  }

  @Test
  void duplicateDeliveries_giveOneRecord_andEvery204() throws Exception {
    String jobId = submitAndAwait(Provider.OPENROUTER, "$default", Faults.none().withDuplicateDeliveries(3));

    assertEquals(List.of(204, 204, 204, 204), statuses(Provider.OPENROUTER, jobId));
    assertEquals(1, deliveryRecords(jobId));
  }

  @Test
  void concurrentDuplicates_giveOneRecord_andEvery204() throws Exception {
    String jobId = submitAndAwait(Provider.MODELGATES, "$default", Faults.none().withConcurrentDuplicates(16));

    List<Integer> statuses = statuses(Provider.MODELGATES, jobId);
    assertEquals(16, statuses.size());
    assertTrue(statuses.stream().allMatch(s -> s == 204), statuses.toString());
    assertEquals(1, deliveryRecords(jobId));
  }

  @Test
  void wrongSecret_isNeverRecorded_andTheSendersRetryWithTheRightOneSucceeds() throws Exception {
    String jobId = submitAndAwait(Provider.OPENROUTER, "$default", Faults.none().withWrongSecretAttempts(2));

    assertEquals(List.of("wrong-secret", "wrong-secret", "signed"),
        stack.simulator(Provider.OPENROUTER).deliveries(jobId).stream().map(DeliveryAttempt::kind).toList());
    assertEquals(List.of(401, 401, 204), statuses(Provider.OPENROUTER, jobId));
    assertEquals(1, deliveryRecords(jobId));
    assertEquals("completed", job("$default", Provider.OPENROUTER, jobId).get(JobTable.STATUS).s());
  }

  @Test
  void staleTimestamp_isRefused_andTheRetrySucceeds() throws Exception {
    String jobId = submitAndAwait(Provider.MODELGATES, "$default", Faults.none().withStaleAttempts(1));

    assertEquals(List.of(401, 204), statuses(Provider.MODELGATES, jobId));
    assertEquals(1, deliveryRecords(jobId));
  }

  @Test
  void failedJob_storesItsError() throws Exception {
    String jobId = submitAndAwait(Provider.OPENROUTER, "$default", Faults.none().withOutcome(JobStatus.FAILED));

    Map<String, AttributeValue> job = job("$default", Provider.OPENROUTER, jobId);
    assertEquals("failed", job.get(JobTable.STATUS).s());
    assertTrue(job.get(JobTable.ERROR).s().contains("simulated failure"));
  }

  @ParameterizedTest
  @EnumSource(value = JobStatus.class, names = {"CANCELLED", "EXPIRED"})
  void cancelledAndExpiredJobs_endInThatState(JobStatus outcome) throws Exception {
    String jobId = submitAndAwait(Provider.MODELGATES, "$default", Faults.none().withOutcome(outcome));

    assertEquals(outcome.value(), job("$default", Provider.MODELGATES, jobId).get(JobTable.STATUS).s());
  }
}
