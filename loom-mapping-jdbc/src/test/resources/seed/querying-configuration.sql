-- List all topics with their configurations
SELECT * FROM v_active_topics ORDER BY topic_name;

-- Show field mappings for a topic
SELECT * FROM topic_field_mappings 
WHERE topic_name = 'device.network.wifi.raw' 
ORDER BY is_required DESC, target_column;

-- View pipeline data flow
SELECT * FROM v_topic_dependencies 
WHERE source_topic = 'device.audio.raw';
