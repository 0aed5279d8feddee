// mqtt-pub's job against a fake connection: the in-flight window, back-pressure, the
// account, refusals, and what happens to messages when the connection is lost.
#include <doctest/doctest.h>

#include <memory>

#include "exit_status.h"
#include "fake_connection.h"
#include "publisher.h"
#include "source.h"

using mqtt_test::FakeConnection;

namespace {

/// A publisher of `count` copies of "m" with the extra `args`, and its fake connection.
struct PublishJob {
    mqtt::Options options;
    std::unique_ptr<mqtt::Publisher> publisher;
    FakeConnection connection;

    PublishJob(long count, std::vector<std::string> args)
    {
        args.insert(args.begin(), {"-t", "t", "-m", "m"});
        options = mqtt_test::options_for(mqtt::Tool::pub, args);
        publisher = std::make_unique<mqtt::Publisher>(options, std::make_unique<mqtt::FixedSource>("m", count));
        connection.client = publisher.get();
    }
    void connack() { publisher->on_connected(connection, nullptr); }
    void pump() { publisher->pump(connection); }
    void ack(int mid, int reason = 0) { publisher->on_publish(connection, mid, reason, nullptr); }
};

}  // namespace

TEST_CASE("publisher: QoS 1 keeps at most -M messages unacknowledged, and ends when the last is acknowledged")
{
    PublishJob job(5, {"-q", "1", "-M", "2"});
    job.connack();
    job.pump();
    REQUIRE(job.connection.published.size() == 2);
    job.pump();  // nothing acknowledged: the window is full
    CHECK(job.connection.published.size() == 2);
    job.ack(1);
    job.pump();
    CHECK(job.connection.published.size() == 3);
    job.ack(2);
    job.ack(3);
    job.pump();
    REQUIRE(job.connection.published.size() == 5);
    CHECK_FALSE(job.connection.outcome);  // two still unacknowledged
    job.ack(4);
    job.pump();
    CHECK_FALSE(job.connection.outcome);
    job.ack(5);
    job.pump();
    REQUIRE(job.connection.outcome);
    CHECK(job.connection.outcome->status == mqtt::ExitStatus::success);
    CHECK(job.publisher->account() == "Account: sent 5, acknowledged 5, refused 0, not acknowledged 0.");
    for (const auto& p : job.connection.published) {
        CHECK(p.topic == "t");
        CHECK(p.qos == 1);
        CHECK_FALSE(p.retain);
    }
}

TEST_CASE("publisher: the broker's receive maximum narrows the window")
{
    PublishJob job(10, {"-q", "2", "-M", "20"});
    job.connection.receive_maximum = 3;
    job.connack();
    job.pump();
    CHECK(job.connection.published.size() == 3);
}

TEST_CASE("publisher: nothing more is handed to the socket while it still has bytes queued")
{
    PublishJob job(4, {"-q", "0"});
    job.connack();
    job.connection.write_queued = true;
    job.pump();
    CHECK(job.connection.published.empty());
    job.connection.write_queued = false;
    job.pump();
    // QoS 0 completes as written, so the whole input goes out in one turn.
    CHECK(job.connection.published.size() == 4);
    REQUIRE(job.connection.outcome);
    CHECK(job.connection.outcome->status == mqtt::ExitStatus::success);
}

TEST_CASE("publisher: refusals are warned one by one, counted in the account and end with 8")
{
    PublishJob job(3, {"-q", "1"});
    job.connack();
    job.pump();
    REQUIRE(job.connection.published.size() == 3);
    job.ack(1);
    job.ack(2, 0x87);  // not authorized
    job.ack(3);
    job.pump();
    REQUIRE(job.connection.warnings.size() == 1);
    CHECK(job.connection.warnings[0] == "Warning: Publish 2 failed: Not authorized.");
    REQUIRE(job.connection.outcome);
    CHECK(job.connection.outcome->status == mqtt::ExitStatus::publish_refused);
    CHECK(job.connection.outcome->text == "Error: The broker refused 1 of 3 messages.");
    CHECK(job.publisher->account() == "Account: sent 3, acknowledged 2, refused 1, not acknowledged 0.");
}

TEST_CASE("publisher: a send libmosquitto refuses ends the job: 7 without a connection, else 8")
{
    SUBCASE("no connection")
    {
        PublishJob job(1, {"-q", "1"});
        job.connack();
        job.connection.refuse_sends_with = MOSQ_ERR_NO_CONN;
        job.pump();
        REQUIRE(job.connection.outcome);
        CHECK(job.connection.outcome->status == mqtt::ExitStatus::connection_lost);
        CHECK(job.connection.outcome->text == "Error: Publish failed: The client is not currently connected.");
    }
    SUBCASE("payload too large")
    {
        PublishJob job(1, {"-q", "1"});
        job.connack();
        job.connection.refuse_sends_with = MOSQ_ERR_PAYLOAD_SIZE;
        job.pump();
        REQUIRE(job.connection.outcome);
        CHECK(job.connection.outcome->status == mqtt::ExitStatus::publish_refused);
    }
    SUBCASE("nothing was sent, so there is no account")
    {
        PublishJob job(1, {"-q", "1"});
        job.connack();
        job.connection.refuse_sends_with = MOSQ_ERR_NO_CONN;
        job.pump();
        CHECK_FALSE(job.publisher->account());
    }
}

TEST_CASE("publisher: after a reconnect QoS 1 messages in flight are left to libmosquitto to send again")
{
    PublishJob job(4, {"-q", "1", "-M", "2"});
    job.connack();
    job.pump();
    REQUIRE(job.connection.payloads().size() == 2);
    job.ack(1);
    // The connection drops with message 2 unacknowledged: libmosquitto keeps it and sends it
    // again after the next CONNACK; the job must not publish it a second time.
    job.connection.is_connected = false;
    job.publisher->on_connection_lost(job.connection);
    job.pump();
    CHECK(job.connection.published.size() == 2);
    job.connection.is_connected = true;
    job.connack();
    job.pump();
    // One slot is free (2 is still in flight): message 3 only.
    REQUIRE(job.connection.published.size() == 3);
    CHECK(job.connection.published[2].mid == 3);
    job.ack(2);
    job.ack(3);
    job.pump();
    job.ack(4);
    job.pump();
    REQUIRE(job.connection.outcome);
    CHECK(job.connection.outcome->status == mqtt::ExitStatus::success);
    CHECK(job.publisher->account() == "Account: sent 4, acknowledged 4, refused 0, not acknowledged 0.");
}

TEST_CASE(
    "publisher: QoS 0 messages written complete at once, those still queued when the connection drops are reported lost (7)")
{
    PublishJob job(5, {"-q", "0"});
    job.connack();
    job.connection.socket_room = 2;
    job.pump();
    // Two written (and complete), the third queued: the socket is full, so the job waits.
    CHECK(job.connection.published.size() == 3);
    CHECK(job.connection.want_write());
    CHECK_FALSE(job.connection.outcome);
    job.connection.drop();
    job.publisher->on_connection_lost(job.connection);
    job.connection.is_connected = true;
    job.connack();
    job.pump();
    REQUIRE(job.connection.published.size() == 5);
    CHECK(job.connection.payloads() == std::vector<std::string>(5, "m"));  // the lost one is not sent again
    REQUIRE(job.connection.outcome);
    CHECK(job.connection.outcome->status == mqtt::ExitStatus::connection_lost);
    CHECK(job.connection.outcome->text == "Error: 1 QoS 0 messages were lost with the connection.");
    CHECK(job.publisher->account() == "Account: sent 5, acknowledged 4, refused 0, not acknowledged 0, dropped 1.");
}

TEST_CASE("publisher: a full socket that drains lets the rest go out, nothing lost")
{
    PublishJob job(4, {"-q", "0"});
    job.connack();
    job.connection.socket_room = 1;
    job.pump();
    CHECK(job.connection.published.size() == 2);
    job.connection.drain();
    job.pump();
    CHECK(job.connection.published.size() == 4);
    REQUIRE(job.connection.outcome);
    CHECK(job.connection.outcome->status == mqtt::ExitStatus::success);
}
