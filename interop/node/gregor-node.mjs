#!/usr/bin/env node
// A service in another language that uses Gregor with no Gregor SDK: stock KafkaJS, Confluent's
// schema-registry client and the public topics (docs/topics.md, docs/polyglot.md).
//
//   node gregor-node.mjs start  <workflow> <instanceId> [inputJson]   publish a StartWorkflow
//   node gregor-node.mjs raise  <instanceId> <eventName> [dataJson]   publish an ExternalEvent
//   node gregor-node.mjs await  <instanceId> [timeoutMs]              read its WorkflowCompletion
//   node gregor-node.mjs worker <taskQueue>                           serve activities of a task queue
//
// Configuration (environment): GREGOR_BOOTSTRAP_SERVERS (default localhost:9092),
// GREGOR_SCHEMA_REGISTRY_URL (default http://localhost:8081; Apicurio: http://host:8080/apis/ccompat/v7),
// GREGOR_TOPIC_PREFIX (default gregor), GREGOR_WORKER_ID, GREGOR_ACTIVITY_DELAY_MS (worker: how long
// each activity sleeps first, default 0), GREGOR_DEBUG=1 (log each step of a task on stderr). Each
// command prints one JSON line per outcome on stdout; logs go to stderr.
import kafkajs from 'kafkajs';
import schemaregistry from '@confluentinc/schemaregistry';

const { Kafka, Partitioners, logLevel } = kafkajs;
const { SchemaRegistryClient, SerdeType, AvroSerializer, AvroDeserializer } = schemaregistry;

const env = process.env;
const prefix = env.GREGOR_TOPIC_PREFIX ?? 'gregor';
const topics = {
  starts: `${prefix}.workflow-starts`,
  events: `${prefix}.workflow-events`,
  completions: `${prefix}.workflow-completions`,
  results: `${prefix}.activity-results`,
  // The default queue's topic is <prefix>.activity-tasks; a named queue's is <prefix>.activity-tasks.<queue>.
  tasks: (queue) => `${prefix}.activity-tasks.${queue}`,
};

const kafka = new Kafka({
  clientId: 'gregor-node',
  brokers: (env.GREGOR_BOOTSTRAP_SERVERS ?? 'localhost:9092').split(','),
  logLevel: logLevel.WARN,
  logCreator: () => ({ namespace, log }) => console.error(`kafkajs ${namespace}: ${log.message}`),
});
const registry = new SchemaRegistryClient({
  baseURLs: (env.GREGOR_SCHEMA_REGISTRY_URL ?? 'http://localhost:8081').split(','),
  // Axios waits forever by default; a request that stalls is given up and retried (3 times, with backoff).
  createAxiosDefaults: { timeout: 10000 },
});
// Writer schemas are the latest registered under <topic>-value (the orchestrator registers them when it
// starts); nothing is auto-registered from here. Readers resolve the writer schema by the id in each record.
const serializer = new AvroSerializer(registry, SerdeType.VALUE, { useLatestVersion: true, autoRegisterSchemas: false });
const deserializer = new AvroDeserializer(registry, SerdeType.VALUE, {});

/** A Gregor Payload: bytes plus their encoding; JSON is the default converter's. */
// KafkaJS 2's default partitioner hashes keys as Java's does (murmur2), so records land where a Java producer puts them.
const newProducer = () => kafka.producer({ idempotent: true, createPartitioner: Partitioners.DefaultPartitioner });
const json = (value) => (value === undefined ? null : { encoding: 'json', data: Buffer.from(JSON.stringify(value)) });
const fromPayload = (payload) => {
  if (payload == null) return null;
  if (payload.encoding !== 'json') throw new Error(`Expected a json payload, but found encoding '${payload.encoding}'`);
  return JSON.parse(payload.data.toString('utf8'));
};
const print = (line) => process.stdout.write(JSON.stringify(line) + '\n');
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
const debug = env.GREGOR_DEBUG === '1' ? (what) => console.error(`gregor-node ${new Date().toISOString()} ${what}`) : () => {};

/** The activities this program serves, by name. */
const activities = {
  Shout: async (text) => `${String(text).toUpperCase()}!`,
  Add: async ({ a, b }) => a + b,
};

async function produce(topic, key, record) {
  const producer = newProducer();
  await producer.connect();
  try {
    await producer.send({ topic, acks: -1, messages: [{ key, value: await serializer.serialize(topic, record) }] });
  } finally {
    await producer.disconnect();
  }
}

async function start(workflowName, instanceId, inputJson) {
  await produce(topics.starts, instanceId, {
    instanceId,
    workflowName,
    input: inputJson === undefined ? null : json(JSON.parse(inputJson)),
    requestedBy: 'gregor-node',
    idReusePolicy: 'REFUSE_IF_EXISTS',
    startAt: null,
    parentInstanceId: null,
    parentTaskId: null,
  });
  print({ started: instanceId, workflowName });
}

async function raise(instanceId, name, dataJson) {
  await produce(topics.events, instanceId, {
    instanceId,
    name,
    payload: dataJson === undefined ? null : json(JSON.parse(dataJson)),
  });
  print({ raised: name, instanceId });
}

/** Reads the completions topic from the start until the instance's completion comes (there is one per run). */
async function awaitCompletion(instanceId, timeout = "60000") {
  const timeoutMs = Number(timeout);
  const consumer = kafka.consumer({ groupId: `gregor-node-await-${instanceId}-${process.pid}` });
  await consumer.connect();
  await consumer.subscribe({ topic: topics.completions, fromBeginning: true });
  const completion = await new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`Expected a completion of ${instanceId} within ${timeoutMs} ms, but none came`)), timeoutMs);
    consumer.run({
      eachMessage: async ({ message }) => {
        if (message.key?.toString() !== instanceId) return;
        clearTimeout(timer);
        resolve(await deserializer.deserialize(topics.completions, message.value));
      },
    }).catch(reject);
  });
  await consumer.disconnect();
  print({
    instanceId,
    status: completion.status,
    output: fromPayload(completion.output),
    failure: completion.failure?.message ?? null,
  });
}

/**
 * Serves the activities above on a task queue. A task's offset is committed only after its result was
 * written, so a worker that dies mid-task leaves the task to be delivered again (at least once); the
 * orchestrator records one result per task and drops the rest.
 */
async function worker(taskQueue) {
  const workerId = env.GREGOR_WORKER_ID ?? `gregor-node-${process.pid}`;
  const delayMs = Number(env.GREGOR_ACTIVITY_DELAY_MS ?? 0);
  const producer = newProducer();
  const consumer = kafka.consumer({
    groupId: `${prefix}-activity-workers.${taskQueue}`,
    // A dead worker's tasks go to the others once its session times out (the broker's minimum is 6 s).
    sessionTimeout: 6000,
    rebalanceTimeout: 10000,
    heartbeatInterval: 1000,
  });
  await Promise.all([producer.connect(), consumer.connect()]);
  await consumer.subscribe({ topic: topics.tasks(taskQueue), fromBeginning: true });
  const stop = async () => {
    await consumer.disconnect();
    await producer.disconnect();
    process.exit(0);
  };
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
  await consumer.run({
    autoCommit: false,
    partitionsConsumedConcurrently: 4,
    eachMessage: async ({ topic, partition, message }) => {
      debug(`task record ${topic}-${partition}@${message.offset}`);
      const task = await deserializer.deserialize(topic, message.value);
      print({ running: task.activityName, instanceId: task.instanceId, taskId: task.taskId, attempt: task.attempt, workerId });
      const result = { instanceId: task.instanceId, taskId: task.taskId, attempt: task.attempt, generation: task.generation ?? null, succeeded: true, output: null, failure: null, workerId };
      try {
        const activity = activities[task.activityName];
        if (activity === undefined) {
          throw Object.assign(new Error(`Expected one of the activities ${Object.keys(activities).join(', ')}, but found '${task.activityName}'`),
            { nonRetriable: true, name: 'ActivityNotRegistered' });
        }
        await sleep(delayMs);
        result.output = json(await activity(fromPayload(task.input)));
      } catch (e) {
        result.succeeded = false;
        result.failure = { errorType: e.name ?? 'Error', message: String(e.message), stackTrace: e.stack ?? null, nonRetriable: Boolean(e.nonRetriable) };
      }
      debug(`ran ${task.activityName}: ${result.succeeded ? 'succeeded' : result.failure.message}; writing the result`);
      const value = await serializer.serialize(topics.results, result);
      // Keyed by instance id: the orchestrator copies it into its inbox, to the instance's partition.
      await producer.send({ topic: topics.results, acks: -1, messages: [{ key: task.instanceId, value }] });
      debug(`wrote the result of task ${task.taskId} of ${task.instanceId}; committing ${topic}-${partition}@${message.offset}`);
      await consumer.commitOffsets([{ topic, partition, offset: (BigInt(message.offset) + 1n).toString() }]);
      print({ completed: task.activityName, instanceId: task.instanceId, taskId: task.taskId, succeeded: result.succeeded, workerId });
    },
  });
  print({ serving: topics.tasks(taskQueue), workerId });
}

const [command, ...args] = process.argv.slice(2);
const commands = { start, raise, await: awaitCompletion, worker };
if (!(command in commands)) {
  console.error(`Expected one of the commands ${Object.keys(commands).join(', ')}, but found '${command ?? ''}'`);
  process.exit(2);
}
try {
  await commands[command](...args);
  if (command !== 'worker') process.exit(0);
} catch (e) {
  console.error(`gregor-node ${command} failed: ${e.stack ?? e}`);
  process.exit(1);
}
