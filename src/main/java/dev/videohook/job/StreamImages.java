package dev.videohook.job;

import com.amazonaws.services.lambda.runtime.events.models.dynamodb.AttributeValue;
import com.amazonaws.services.lambda.runtime.events.models.dynamodb.StreamRecord;
import com.amazonaws.services.lambda.runtime.events.transformers.v2.dynamodb.DynamodbAttributeValueTransformer;
import java.util.Map;
import java.util.Optional;

/** The jobs in a table stream record's images, read by {@link JobItems} like every other item. */
public final class StreamImages {
  private StreamImages() {}

  /** The job as it was before the change; empty for no old image or a non-job item. */
  public static Optional<Job> oldJob(StreamRecord stream) {
    return job(stream.getOldImage());
  }

  /** The job as the change left it; empty for no new image or a non-job item. */
  public static Optional<Job> newJob(StreamRecord stream) {
    return job(stream.getNewImage());
  }

  private static Optional<Job> job(Map<String, AttributeValue> image) {
    return image == null || image.isEmpty()
        ? Optional.empty()
        : JobItems.job(DynamodbAttributeValueTransformer.toAttributeValueMapV2(image));
  }
}
