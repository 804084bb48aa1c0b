package dev.videohook.job;

/**
 * Every seam of the job store at once, for the callers that use several: the reconciler (commits,
 * pending jobs, stranded downloads) and the local stack. {@link JobStore} is the DynamoDB one.
 */
public interface JobRepository extends JobCommits, DownloadRecords, PendingJobs, JobQueries {}
