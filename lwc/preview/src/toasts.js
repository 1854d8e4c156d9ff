// A plain-DOM stand-in for Lightning's toast container, in SLDS markup.
const ICONS = { success: 'success', error: 'error', warning: 'warning', info: 'info' };

export function showToast({ title, message, variant = 'info' }) {
    const container = document.querySelector('.slds-notify_container');
    const toast = document.createElement('div');
    const theme = ICONS[variant] ? variant : 'info';
    toast.className = `slds-notify slds-notify_toast slds-theme_${theme}`;
    toast.setAttribute('role', 'status');
    toast.dataset.variant = theme;
    const content = document.createElement('div');
    content.className = 'slds-notify__content';
    const heading = document.createElement('h2');
    heading.className = 'slds-text-heading_small';
    heading.textContent = title || '';
    content.appendChild(heading);
    if (message) {
        const text = document.createElement('p');
        text.textContent = message;
        content.appendChild(text);
    }
    toast.appendChild(content);
    container.appendChild(toast);
    setTimeout(() => toast.remove(), 6000);
}
