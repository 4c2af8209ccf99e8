#include "bridge/profiles/huawei_commands.h"

#include <Poco/Dynamic/Var.h>
#include <Poco/Exception.h>
#include <Poco/JSON/Object.h>
#include <Poco/JSON/ParseHandler.h>
#include <Poco/JSON/Parser.h>

#include <initializer_list>
#include <sstream>
#include <utility>

#include "common/json_text.h"

namespace wg::bridge::huawei {
namespace {

// Sets `out` from the string field `name`; false if the field is there but not a string.
bool string_field(const Poco::JSON::Object& object, const std::string& name, std::string& out) {
    if (!object.has(name) || object.isNull(name)) {
        return true;
    }
    const Poco::Dynamic::Var value = object.get(name);
    if (!value.isString()) {
        return false;
    }
    out = value.extract<std::string>();
    return true;
}

}  // namespace

std::variant<IotdaCommand, CommandError> parse_command(std::string_view request_id,
                                                       std::string_view payload) {
    Poco::JSON::Object::Ptr object;
    try {
        // Keep the order of the paras' keys as the platform sent them.
        Poco::JSON::Parser parser{new Poco::JSON::ParseHandler(true)};
        const Poco::Dynamic::Var parsed = parser.parse(std::string{payload});
        if (parsed.type() == typeid(Poco::JSON::Object::Ptr)) {
            object = parsed.extract<Poco::JSON::Object::Ptr>();
        }
    } catch (const Poco::Exception& error) {
        return CommandError{"the command is not valid JSON: " + error.displayText()};
    } catch (const std::exception& error) {
        return CommandError{std::string{"the command is not valid JSON: "} + error.what()};
    }
    if (!object) {
        return CommandError{"the command is not a JSON object"};
    }

    IotdaCommand command;
    command.request_id = std::string{request_id};
    for (const auto& [name, field] : {std::pair{"object_device_id", &command.object_device_id},
                                      std::pair{"service_id", &command.service_id},
                                      std::pair{"command_name", &command.command_name}}) {
        if (!string_field(*object, name, *field)) {
            return CommandError{std::string{"the command's "} + name + " is not a string"};
        }
    }
    command.paras_json = "{}";
    if (object->has("paras") && !object->isNull("paras")) {
        const Poco::JSON::Object::Ptr paras = object->getObject("paras");
        if (!paras) {
            return CommandError{"the command's paras is not a JSON object"};
        }
        std::ostringstream text;
        paras->stringify(text);
        command.paras_json = text.str();
    }
    return command;
}

std::string command_response_payload(int result_code, std::string_view response_name,
                                     std::string_view paras_json) {
    std::string out = "{\"result_code\":" + std::to_string(result_code);
    if (!response_name.empty()) {
        out += ",\"response_name\":";
        json::append_string(out, response_name);
    }
    if (!paras_json.empty()) {
        out += ",\"paras\":";
        out += paras_json;
    }
    out += '}';
    return out;
}

}  // namespace wg::bridge::huawei
