"""What the fake Jira and Jira Service Management sites share: records, the site model, the platform
issue API (`/rest/api/3`), Atlassian answers and shapes, and the ADF rules Jira enforces."""
