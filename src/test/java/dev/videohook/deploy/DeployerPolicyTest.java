package dev.videohook.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.jr.ob.JSON;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/**
 * docs/deploy.md's policy for the deployer holds what CloudFormation calls to create, update and
 * delete each resource type the template makes (the SAM resources as SAM translates them), and what
 * SAM CLI calls around a deploy.
 */
class DeployerPolicyTest {
  /** What SAM translates its resources into, here. */
  private static final Map<String, Set<String>> SAM =
      Map.of(
          "AWS::Serverless::Function",
          Set.of(
              "AWS::Lambda::Function",
              "AWS::IAM::Role",
              "AWS::Lambda::Version",
              "AWS::Lambda::Alias",
              "AWS::Lambda::Permission",
              "AWS::Lambda::EventSourceMapping",
              "AWS::Events::Rule"),
          "AWS::Serverless::HttpApi",
          Set.of("AWS::ApiGatewayV2::Api", "AWS::ApiGatewayV2::Stage"));

  /** The calls CloudFormation makes for each type's create, update and delete. */
  private static final Map<String, Set<String>> ACTIONS =
      Map.ofEntries(
          Map.entry(
              "AWS::ApiGatewayV2::Api",
              Set.of("apigateway:POST", "apigateway:GET", "apigateway:PATCH", "apigateway:DELETE")),
          Map.entry("AWS::ApiGatewayV2::Stage", Set.of("apigateway:POST", "apigateway:PATCH")),
          Map.entry(
              "AWS::CloudWatch::Alarm",
              Set.of(
                  "cloudwatch:PutMetricAlarm",
                  "cloudwatch:DescribeAlarms",
                  "cloudwatch:DeleteAlarms")),
          Map.entry(
              "AWS::CloudWatch::Dashboard",
              Set.of(
                  "cloudwatch:PutDashboard",
                  "cloudwatch:GetDashboard",
                  "cloudwatch:DeleteDashboards")),
          Map.entry(
              "AWS::DynamoDB::Table",
              Set.of(
                  "dynamodb:CreateTable",
                  "dynamodb:DescribeTable",
                  "dynamodb:UpdateTable",
                  "dynamodb:DeleteTable",
                  "dynamodb:UpdateTimeToLive",
                  "dynamodb:DescribeTimeToLive",
                  "dynamodb:UpdateContinuousBackups",
                  "dynamodb:DescribeContinuousBackups")),
          Map.entry(
              "AWS::Events::EventBus",
              Set.of("events:CreateEventBus", "events:DescribeEventBus", "events:DeleteEventBus")),
          Map.entry(
              "AWS::Events::Rule",
              Set.of(
                  "events:PutRule",
                  "events:DescribeRule",
                  "events:DeleteRule",
                  "events:PutTargets",
                  "events:RemoveTargets")),
          Map.entry(
              "AWS::IAM::Role",
              Set.of(
                  "iam:CreateRole",
                  "iam:GetRole",
                  "iam:DeleteRole",
                  "iam:PutRolePolicy",
                  "iam:DeleteRolePolicy",
                  "iam:AttachRolePolicy",
                  "iam:DetachRolePolicy",
                  "iam:PassRole")),
          Map.entry(
              "AWS::Lambda::Function",
              Set.of(
                  "lambda:CreateFunction",
                  "lambda:GetFunction",
                  "lambda:UpdateFunctionCode",
                  "lambda:UpdateFunctionConfiguration",
                  "lambda:DeleteFunction")),
          Map.entry(
              "AWS::Lambda::Version",
              Set.of("lambda:PublishVersion", "lambda:ListVersionsByFunction")),
          Map.entry(
              "AWS::Lambda::Alias",
              Set.of(
                  "lambda:CreateAlias",
                  "lambda:GetAlias",
                  "lambda:UpdateAlias",
                  "lambda:DeleteAlias")),
          Map.entry(
              "AWS::Lambda::Permission", Set.of("lambda:AddPermission", "lambda:RemovePermission")),
          Map.entry(
              "AWS::Lambda::EventSourceMapping",
              Set.of(
                  "lambda:CreateEventSourceMapping",
                  "lambda:GetEventSourceMapping",
                  "lambda:UpdateEventSourceMapping",
                  "lambda:DeleteEventSourceMapping")),
          Map.entry(
              "AWS::Logs::LogGroup",
              Set.of(
                  "logs:CreateLogGroup",
                  "logs:DeleteLogGroup",
                  "logs:DescribeLogGroups",
                  "logs:PutRetentionPolicy")),
          Map.entry(
              "AWS::S3::Bucket",
              Set.of(
                  "s3:CreateBucket",
                  "s3:DeleteBucket",
                  "s3:PutEncryptionConfiguration",
                  "s3:PutBucketPublicAccessBlock",
                  "s3:PutBucketOwnershipControls",
                  "s3:PutLifecycleConfiguration",
                  "s3:PutBucketNotification")),
          Map.entry(
              "AWS::S3::BucketPolicy",
              Set.of("s3:PutBucketPolicy", "s3:GetBucketPolicy", "s3:DeleteBucketPolicy")),
          Map.entry(
              "AWS::SNS::Topic",
              Set.of(
                  "sns:CreateTopic",
                  "sns:DeleteTopic",
                  "sns:GetTopicAttributes",
                  "sns:SetTopicAttributes")),
          Map.entry(
              "AWS::SNS::Subscription",
              Set.of("sns:Subscribe", "sns:Unsubscribe", "sns:GetSubscriptionAttributes")),
          Map.entry(
              "AWS::SQS::Queue",
              Set.of(
                  "sqs:CreateQueue",
                  "sqs:DeleteQueue",
                  "sqs:GetQueueAttributes",
                  "sqs:SetQueueAttributes")),
          Map.entry("AWS::SQS::QueuePolicy", Set.of("sqs:SetQueueAttributes")),
          Map.entry(
              "AWS::SecretsManager::Secret",
              Set.of(
                  "secretsmanager:CreateSecret",
                  "secretsmanager:DescribeSecret",
                  "secretsmanager:UpdateSecret",
                  "secretsmanager:DeleteSecret")));

  /** SAM CLI's own calls: the change set, its deployment bucket. */
  private static final Set<String> SAM_CLI =
      Set.of(
          "cloudformation:CreateChangeSet",
          "cloudformation:DescribeChangeSet",
          "cloudformation:ExecuteChangeSet",
          "cloudformation:DescribeStacks",
          "cloudformation:DescribeStackEvents",
          "cloudformation:GetTemplateSummary",
          "s3:PutObject",
          "s3:GetObject");

  @Test
  void deployersPolicy_shouldAllowWhatEveryResourceTypeOfTheTemplateNeeds() throws Exception {
    Set<String> allowed = allowedActions();
    Set<String> missing = new TreeSet<>();
    for (String type : resourceTypes()) {
      assertTrue(ACTIONS.containsKey(type), type + ": what does CloudFormation call for it?");
      for (String action : ACTIONS.get(type)) {
        if (!allowed.contains(action)) {
          missing.add(action + " (" + type + ")");
        }
      }
    }
    for (String action : SAM_CLI) {
      if (!allowed.contains(action)) {
        missing.add(action + " (SAM CLI)");
      }
    }
    assertEquals(Set.of(), missing, "docs/deploy.md, The deployer's permissions, lacks");
  }

  /** The resource types CloudFormation creates: SAM's as SAM translates them. */
  private static Set<String> resourceTypes() throws Exception {
    Map<String, Object> expanded =
        CloudFormationTemplate.load(Path.of("template.yaml")).expanded(Map.of());
    Set<String> types = new TreeSet<>();
    for (Object resource : CloudFormationTemplate.map(expanded.get("Resources")).values()) {
      String type = (String) CloudFormationTemplate.map(resource).get("Type");
      types.addAll(SAM.getOrDefault(type, Set.of(type)));
    }
    return types;
  }

  /** Every action an Allow statement of the policy in docs/deploy.md names. */
  private static Set<String> allowedActions() throws Exception {
    String doc = Files.readString(Path.of("docs/deploy.md"));
    int section = doc.indexOf("## The deployer's permissions");
    assertTrue(section >= 0, "docs/deploy.md needs a section \"The deployer's permissions\"");
    int start = doc.indexOf("```json\n", section);
    int end = doc.indexOf("```\n", start + 8);
    Map<String, Object> policy = JSON.std.mapFrom(doc.substring(start + 8, end));
    Set<String> actions = new TreeSet<>();
    for (Object statement : (List<?>) policy.get("Statement")) {
      Map<?, ?> s = (Map<?, ?>) statement;
      if ("Allow".equals(s.get("Effect"))) {
        Object action = s.get("Action");
        if (action instanceof List<?> list) {
          list.forEach(a -> actions.add((String) a));
        } else {
          actions.add((String) action);
        }
      }
    }
    return actions;
  }
}
