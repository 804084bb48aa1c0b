package dev.videohook.job;

import dev.videohook.testing.SharedMoto;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

/** The job store contract on DynamoDB's protocol: {@link JobStore} on moto, a table per test. */
class JobStoreOnMotoTest extends JobStoreContract {
  private DynamoDbClient dynamoDb;
  private String table;

  @Override
  JobRepository newStore() {
    dynamoDb = SharedMoto.get().client();
    table = SharedMoto.newJobTable();
    return new JobStore(dynamoDb, table, JobStore.DEFAULT_DELIVERY_TTL);
  }

  @Override
  void put(Job job) {
    TestJobs.put(dynamoDb, table, job);
  }

  @Override
  long deliveryRecords(String jobId) {
    return TestJobs.deliveryRecords(dynamoDb, table, jobId);
  }
}
