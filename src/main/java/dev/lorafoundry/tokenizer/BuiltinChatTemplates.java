package dev.lorafoundry.tokenizer;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/** Chat templates for tokenizers that ship none; chosen by name (chatml, llama3, mistral). */
public final class BuiltinChatTemplates {

    /** Sources kept identical to src/test/resources/golden/templates/builtin/NAME/template.jinja (a test checks). */
    private static final Map<String, String> SOURCES = new LinkedHashMap<>();

    static {
        SOURCES.put("chatml", """
                {%- for message in messages %}
                    {{- '<|im_start|>' + message['role'] + '\\n' + message['content'] + '<|im_end|>' + '\\n' }}
                {%- endfor %}
                {%- if add_generation_prompt %}
                    {{- '<|im_start|>assistant\\n' }}
                {%- endif %}
                """);
        SOURCES.put("llama3", """
                {{- bos_token }}
                {%- for message in messages %}
                    {{- '<|start_header_id|>' + message['role'] + '<|end_header_id|>\\n\\n' + message['content'] | trim + '<|eot_id|>' }}
                {%- endfor %}
                {%- if add_generation_prompt %}
                    {{- '<|start_header_id|>assistant<|end_header_id|>\\n\\n' }}
                {%- endif %}
                """);
        SOURCES.put("mistral", """
                {%- if messages[0]['role'] == 'system' %}
                    {%- set system_message = messages[0]['content'] %}
                    {%- set loop_messages = messages[1:] %}
                {%- else %}
                    {%- set system_message = '' %}
                    {%- set loop_messages = messages %}
                {%- endif %}
                {{- bos_token }}
                {%- for message in loop_messages %}
                    {%- if (message['role'] == 'user') != (loop.index0 % 2 == 0) %}
                        {{- raise_exception('Conversation roles must alternate user/assistant/user/assistant/... (message ' ~ loop.index0 ~ ' has role ' ~ message['role'] ~ ')') }}
                    {%- endif %}
                    {%- if message['role'] == 'user' %}
                        {%- if loop.first and system_message %}
                            {{- '[INST] ' + system_message + '\\n\\n' + message['content'] + ' [/INST]' }}
                        {%- else %}
                            {{- '[INST] ' + message['content'] + ' [/INST]' }}
                        {%- endif %}
                    {%- elif message['role'] == 'assistant' %}
                        {{- ' ' + message['content'] + eos_token }}
                    {%- else %}
                        {{- raise_exception('Only system, user and assistant roles are supported, got ' ~ message['role']) }}
                    {%- endif %}
                {%- endfor %}
                """);
    }

    private BuiltinChatTemplates() {}

    /** The names that {@link #source(String)} accepts. */
    public static Set<String> names() {
        return SOURCES.keySet();
    }

    /** The Jinja source of a built-in template; an unknown name is an error listing the known ones. */
    public static String source(String name) {
        String source = name == null ? null : SOURCES.get(name.trim().toLowerCase(java.util.Locale.ROOT));
        if (source == null) {
            throw new IllegalArgumentException("unknown built-in chat template '" + name + "'; choose one of "
                    + String.join(", ", SOURCES.keySet()));
        }
        return source;
    }
}
