package dev.videohook.job;

import java.util.Map;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/** The job store contract on {@link InMemoryJobStore}: what lets logic tests leave moto. */
class InMemoryJobStoreTest extends JobStoreContract {
  private InMemoryJobStore memory;

  @Override
  JobRepository newStore() {
    memory = new InMemoryJobStore();
    return memory;
  }

  @Override
  void put(Job job) {
    memory.put(job);
  }

  @Override
  long deliveryRecords(String jobId) {
    return memory.deliveryRecords(jobId);
  }

  @Override
  Map<String, AttributeValue> item(JobKey job) {
    return memory.item(job);
  }
}
