package dev.videohook.job;

import dev.videohook.testing.SharedMoto;
import java.util.Map;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

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

  @Override
  Map<String, AttributeValue> item(JobKey job) {
    return dynamoDb.getItem(b -> b.tableName(table).key(JobItems.key(job))).item();
  }
}
